/**
 * The read side's HTTP routes (ARCHITECTURE.md §7): each read model registers its own routes here.
 */
import type { FastifyInstance } from 'fastify';
import { registerJournalQueryRoutes } from './journal/index.js';
import { registerPaymentIntentQueryRoutes } from './paymentIntents/index.js';
import { registerSalesQueryRoutes } from './sales/index.js';
import { registerSettlementQueryRoutes } from './settlement/index.js';
import type { ReadModels } from '../schemas/readModels/readModels.js';

export type QueryDependencies = Readonly<{ readModels: ReadModels }>;

export { ReadModelUnavailableError, type ReadModels } from '../schemas/readModels/readModels.js';
export { queryScopeOf, type QueryScope } from './queryScope.js';

type RouteRegistrar = (app: FastifyInstance, dependencies: QueryDependencies) => void;

/** One registrar per read model. */
const readModelRoutes: readonly RouteRegistrar[] = [registerPaymentIntentQueryRoutes, registerJournalQueryRoutes, registerSalesQueryRoutes, registerSettlementQueryRoutes];

export function registerQueryRoutes(app: FastifyInstance, dependencies: QueryDependencies): void {
  for (const register of readModelRoutes) register(app, dependencies);
}
