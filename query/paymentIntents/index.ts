/** The payment intent reports (ARCHITECTURE.md §7): lists and details over the `payment_intents` read model. */
import type { FastifyInstance } from 'fastify';
import type { PaymentIntentQueryDependencies } from './dependencies.js';
import { registerGetPaymentIntentReport } from './getPaymentIntentReport.js';
import { registerListPaymentIntentReports } from './listPaymentIntentReports.js';

export type { PaymentIntentQueryDependencies } from './dependencies.js';

export function registerPaymentIntentQueryRoutes(app: FastifyInstance, dependencies: PaymentIntentQueryDependencies): void {
  registerListPaymentIntentReports(app, dependencies);
  registerGetPaymentIntentReport(app, dependencies);
}
