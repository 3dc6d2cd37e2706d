/** The sales report over HTTP: `GET /v1/reports/sales`. */
import type { FastifyInstance } from 'fastify';
import { registerGetSalesReport, type SalesQueryDependencies } from './getSalesReport.js';

export type { SalesQueryDependencies } from './getSalesReport.js';
export { readSalesReport, type SalesPage } from './salesReport.js';

/** @example registerSalesQueryRoutes(app, { readModels }); */
export function registerSalesQueryRoutes(app: FastifyInstance, dependencies: SalesQueryDependencies): void {
  registerGetSalesReport(app, dependencies);
}
