/** Settlement commands over HTTP: `POST /v1/settlement/batches` (close a batch). */
import type { FastifyInstance } from 'fastify';
import { registerCloseSettlementBatch, type SettlementCommandDependencies } from './closeSettlementBatch.js';

export type { SettlementCommandDependencies } from './closeSettlementBatch.js';

/** @example registerSettlementCommandRoutes(app, { context }); */
export function registerSettlementCommandRoutes(app: FastifyInstance, dependencies: SettlementCommandDependencies): void {
  registerCloseSettlementBatch(app, dependencies);
}
