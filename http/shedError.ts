import type { Problem } from '../schemas/problem.js';

/** A request refused by load shedding (a quota's 429): the problem handler sends `problem` as it is. */
export class ShedError extends Error {
  override readonly name = 'ShedError';
  readonly statusCode: number;

  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.code);
    this.statusCode = problem.status;
  }
}
