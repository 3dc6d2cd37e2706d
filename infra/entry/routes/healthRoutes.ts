import type { FastifyInstance } from 'fastify';
import type { EventStore } from '../../../domain/eventStore/index.js';
import { formatPosition } from '../../../domain/eventStore/index.js';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import { problem } from '../../../schemas/problem.js';
import { sendProblem } from '../../../http/problemDetails.js';

export type HealthDependencies = Readonly<{
  client: SqlClient;
  store: EventStore;
  /** False once shutdown has begun: readiness then fails so load balancers drain us. */
  accepting: () => boolean;
}>;

/**
 * `GET /health`: the process is up (liveness). `GET /ready`: the database answers and the
 * event store is migrated (readiness), with the store kind and the head of the log.
 */
export function registerHealthRoutes(app: FastifyInstance, dependencies: HealthDependencies): void {
  app.get('/health', () => ({ status: 'ok' }));
  app.get('/ready', async (request, reply) => {
    if (!dependencies.accepting()) return sendProblem(reply, problem(503, 'shutting_down', 'Service Unavailable', 'the ledger is shutting down'));
    try {
      const head = await dependencies.store.headPosition();
      return { status: 'ready', store: dependencies.client.kind, head: formatPosition(head) };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return sendProblem(reply, problem(503, 'store_unavailable', 'Service Unavailable', 'the event store is not reachable'));
    }
  });
}
