import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { authConfig, REPORT_SECURITY } from '../../http/authConfig.js';
import { problem, problemSchema } from '../../schemas/problem.js';
import { salesReportQuerySchema, salesSummaryListSchema } from '../../schemas/sales.js';
import { queryScopeOf } from '../queryScope.js';
import type { ReadModels } from '../../schemas/readModels/readModels.js';
import { InvalidCursorError } from './rowCursor.js';
import { readSalesReport } from './salesReport.js';

/** What the sales routes need (a subset of query/index.ts `QueryDependencies`, named here to avoid an import cycle). */
export type SalesQueryDependencies = Readonly<{ readModels: ReadModels }>;

const emptyList = { object: 'list' as const, data: [], has_more: false };

/**
 * `GET /v1/reports/sales`: takings by business date for one merchant, per store × terminal × mode ×
 * provider × currency, or summed across the dimensions left out of `group_by`. A partner names the
 * merchant (its own; another partner's merchant has no rows); a terminal sees its own store.
 */
export function registerGetSalesReport(app: FastifyInstance, dependencies: SalesQueryDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/reports/sales',
    {
      config: authConfig('partner', 'terminal', { staff: ['merchant_reader'] }),
      schema: {
        summary: 'Sales by business day',
        description:
          'Completed payments (gross), succeeded refunds and fees accrued, by business date, newest first. A payment counts on the business date of its completion at the store (time zone and cut-off), a refund on its own business date. Served from the sales read model: eventually consistent.',
        tags: ['reports'],
        security: REPORT_SECURITY,
        querystring: salesReportQuerySchema,
        response: { 200: salesSummaryListSchema, 400: problemSchema },
      },
    },
    async (request, reply) => {
      const scope = queryScopeOf(request.principal);
      if (scope === undefined) return emptyList;
      const query = request.query;
      const merchantId = scope.kind === 'client_partner' ? query.merchant_id : scope.merchantId;
      if (merchantId === undefined) {
        const body = {
          ...problem(400, 'validation_error', 'Bad Request', 'the request does not match the schema'),
          errors: [{ path: 'querystring.merchant_id', message: 'is required for partner callers' }],
        };
        return reply.code(400).type('application/problem+json').send(body);
      }
      // A terminal or merchant reader asking for another merchant sees nothing, as for any row outside its scope.
      if (query.merchant_id !== undefined && query.merchant_id !== merchantId) return emptyList;
      try {
        const page = await readSalesReport(dependencies.readModels, scope, merchantId, query);
        return { object: 'list' as const, data: [...page.items], has_more: page.hasMore };
      } catch (error) {
        if (!(error instanceof InvalidCursorError)) throw error;
        const body = { ...problem(400, 'invalid_cursor', 'Bad Request', error.message), param: 'starting_after' };
        return reply.code(400).type('application/problem+json').send(body);
      }
    },
  );
}
