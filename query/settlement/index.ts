/** Settlement over HTTP (partners only): `GET /v1/settlement`, `GET /v1/settlement/batches/:batch_id`. */
import type { FastifyInstance } from 'fastify';
import { registerGetSettlementBatch, registerListSettlement, type SettlementQueryDependencies } from './settlementRoutes.js';

export type { SettlementQueryDependencies } from './settlementRoutes.js';
export { listSettlementDays, readSettlementBatch, type SettlementDayPage } from './settlementReports.js';

/** @example registerSettlementQueryRoutes(app, { readModels }); */
export function registerSettlementQueryRoutes(app: FastifyInstance, dependencies: SettlementQueryDependencies): void {
  registerListSettlement(app, dependencies);
  registerGetSettlementBatch(app, dependencies);
}
