import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { authConfig, REPORT_SECURITY } from '../../http/authConfig.js';
import { paymentIntentReportParamsSchema, paymentIntentReportSchema } from '../../schemas/paymentIntentQuery.js';
import { problem, problemSchema } from '../../schemas/problem.js';
import type { PaymentIntentQueryDependencies } from './dependencies.js';
import { queryScopeOf } from '../queryScope.js';
import { findPaymentIntentReport } from './paymentIntentReports.js';

/**
 * `GET /v1/reports/payment_intents/:id`: one intent from the read model. Another tenant's intent
 * answers 404, the same as one that does not exist.
 */
export function registerGetPaymentIntentReport(app: FastifyInstance, dependencies: PaymentIntentQueryDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/reports/payment_intents/:payment_intent_id',
    {
      config: authConfig('partner', 'terminal', { staff: ['merchant_reader'] }),
      schema: {
        summary: 'Retrieve a payment intent from the reports',
        description:
          'Served from the payment intents read model: eventually consistent (it follows the event log within moments). A terminal polling its own writes should use GET /v1/payment_intents/{payment_intent_id}, which reads the event stream.',
        tags: ['reports'],
        security: REPORT_SECURITY,
        params: paymentIntentReportParamsSchema,
        response: { 200: paymentIntentReportSchema, 400: problemSchema, 404: problemSchema, 503: problemSchema },
      },
    },
    async (request, reply) => {
      const paymentIntentId = request.params.payment_intent_id;
      const scope = queryScopeOf(request.principal);
      const report = scope === undefined ? undefined : await findPaymentIntentReport(dependencies.readModels, scope, paymentIntentId);
      if (report === undefined) {
        return reply
          .code(404)
          .type('application/problem+json')
          .send(problem(404, 'payment_intent.not_found', 'Not Found', `no payment intent ${paymentIntentId}`));
      }
      return report;
    },
  );
}
