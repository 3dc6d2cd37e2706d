import type { FastifyInstance } from 'fastify';
import type { EventStore } from '../../../domain/eventStore/index.js';
import { formatPosition } from '../../../domain/eventStore/index.js';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import { problem } from '../../../schemas/problem.js';
import { sendProblem } from '../../../http/problemDetails.js';

export const READY_CHECK_TIMEOUT_MS = 2000;

function withinMs<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

export type HealthDependencies = Readonly<{
  client: SqlClient;
  store: EventStore;
  /** False once shutdown has begun: readiness then fails so load balancers drain us. */
  accepting: () => boolean;
}>;

/**
 * `GET /health`: the process is up (liveness). `GET /ready`: the database answers and the
 * event store is migrated (readiness), with the store kind and the head of the log; 503
 * `database_unavailable` while the database does not answer within READY_CHECK_TIMEOUT_MS (a pool
 * waiting out its connection timeout must not hold the probe), ready again once it does.
 */
export function registerHealthRoutes(app: FastifyInstance, dependencies: HealthDependencies): void {
  app.get('/health', () => ({ status: 'ok' }));
  app.get('/ready', async (request, reply) => {
    if (!dependencies.accepting()) return sendProblem(reply, problem(503, 'shutting_down', 'Service Unavailable', 'the ledger is shutting down'));
    try {
      const head = await withinMs(dependencies.store.headPosition(), READY_CHECK_TIMEOUT_MS);
      return { status: 'ready', store: dependencies.client.kind, head: formatPosition(head) };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      void reply.header('retry-after', '1');
      return sendProblem(reply, problem(503, 'database_unavailable', 'Service Unavailable', 'the database (event store) is not reachable'));
    }
  });
}
