/**
 * The read side's HTTP routes (ARCHITECTURE.md §7): each read model registers its own routes here.
 */
import type { FastifyInstance } from 'fastify';
import type { ReadModels } from './readModels.js';

export type QueryDependencies = Readonly<{ readModels: ReadModels }>;

export { ReadModelUnavailableError, type ReadModels } from './readModels.js';
export { queryScopeOf, type QueryScope } from './queryScope.js';

export function registerQueryRoutes(app: FastifyInstance, dependencies: QueryDependencies): void {
  void app;
  void dependencies;
}
