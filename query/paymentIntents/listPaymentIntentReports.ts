import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { authConfig, REPORT_SECURITY } from '../../http/authConfig.js';
import { listPaymentIntentReportsQuerySchema, paymentIntentReportListSchema } from '../../schemas/paymentIntentQuery.js';
import { problem, problemSchema } from '../../schemas/problem.js';
import type { PaymentIntentQueryDependencies } from './dependencies.js';
import { queryScopeOf } from '../queryScope.js';
import { InvalidCursorError, listPaymentIntentReports } from './paymentIntentReports.js';

/**
 * `GET /v1/reports/payment_intents`: the caller's intents, filtered, newest first, a page at a
 * time (`limit`, `starting_after`). A partner sees every merchant of its client partner, a
 * terminal its own store; a cursor outside that answers 400 `invalid_cursor`.
 */
export function registerListPaymentIntentReports(app: FastifyInstance, dependencies: PaymentIntentQueryDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/reports/payment_intents',
    {
      config: authConfig('partner', 'terminal', { staff: ['merchant_reader'] }),
      schema: {
        summary: 'List payment intents',
        description:
          'Newest first, with filters by merchant, store, terminal, status, mode, provider, business date and creation time. Served from the payment intents read model: eventually consistent (it follows the event log within moments).',
        tags: ['reports'],
        security: REPORT_SECURITY,
        querystring: listPaymentIntentReportsQuerySchema,
        response: { 200: paymentIntentReportListSchema, 400: problemSchema, 503: problemSchema },
      },
    },
    async (request, reply) => {
      const scope = queryScopeOf(request.principal);
      if (scope === undefined) return { object: 'list' as const, data: [], has_more: false };
      try {
        const page = await listPaymentIntentReports(dependencies.readModels, scope, request.query);
        return { object: 'list' as const, data: [...page.items], has_more: page.hasMore };
      } catch (error) {
        if (!(error instanceof InvalidCursorError)) throw error;
        const body = { ...problem(400, 'invalid_cursor', 'Bad Request', error.message), param: 'starting_after' };
        return reply.code(400).type('application/problem+json').send(body);
      }
    },
  );
}
