import type { FastifyReply } from 'fastify';
import { problem, type Problem } from '../schemas/problem.js';

/** Seconds a client waits before retrying a request refused because the database was unreachable. */
export const DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

/**
 * 503 `database_unavailable`: the database was not reachable (connection lost, server restarting).
 * Retryable: the outcome of a command is unknown to the client, so it retries with the same
 * Idempotency-Key (never pinned to it, docs/idempotency.md) and gets the result either way.
 */
export function databaseUnavailableProblem(requestId: string): Problem {
  return {
    ...problem(
      503,
      'database_unavailable',
      'Service Unavailable',
      'the database is not reachable right now; retry the same request (with the same Idempotency-Key) after Retry-After seconds',
    ),
    request_id: requestId,
  };
}

/** The headers that make the 503 retryable: `Retry-After` and `X-Should-Retry: true`. */
export function markRetryable(reply: FastifyReply): FastifyReply {
  return reply.header('retry-after', String(DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS)).header('x-should-retry', 'true');
}
