import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { authConfig } from '../../command/http/authConfig.js';
import { sendProblem } from '../../command/http/sendProblem.js';
import { problem, problemSchema } from '../../schemas/problem.js';
import { settlementBatchParamsSchema, settlementBatchReportSchema, settlementDayListSchema, settlementListQuerySchema } from '../../schemas/settlement.js';
import { queryScopeOf } from '../queryScope.js';
import type { ReadModels } from '../readModels.js';
import { InvalidCursorError } from '../sales/rowCursor.js';
import { listSettlementDays, readSettlementBatch } from './settlementReports.js';

/** What the settlement routes need (a subset of query/index.ts `QueryDependencies`, named here to avoid an import cycle). */
export type SettlementQueryDependencies = Readonly<{ readModels: ReadModels }>;

const PARTNER_SECURITY = [{ partnerHmac: [] }];

/** The calling partner's client partner id; the routes allow partners only, so anything else is refused as not found. */
function clientPartnerOf(principal: Parameters<typeof queryScopeOf>[0]): string | undefined {
  const scope = queryScopeOf(principal);
  return scope?.kind === 'client_partner' ? scope.clientPartnerId : undefined;
}

/**
 * `GET /v1/settlement`: one merchant's settlement by business day × provider × currency, newest
 * first, each open or closed (with its batch and the adjustments that arrived after the close).
 */
export function registerListSettlement(app: FastifyInstance, dependencies: SettlementQueryDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/settlement',
    {
      config: authConfig('partner'),
      schema: {
        summary: 'Settlement by business day',
        description:
          'What each provider owes the merchant per business day: gross − refunds − fees = net (cash is not settled). A closed day carries its batch and `adjustments_after_close` (what was placed on that day after the close). Served from the settlement read model: eventually consistent.',
        tags: ['settlement'],
        security: PARTNER_SECURITY,
        querystring: settlementListQuerySchema,
        response: { 200: settlementDayListSchema, 400: problemSchema },
      },
    },
    async (request, reply) => {
      const clientPartnerId = clientPartnerOf(request.principal);
      if (clientPartnerId === undefined) return { object: 'list' as const, data: [], has_more: false };
      try {
        const page = await listSettlementDays(dependencies.readModels, clientPartnerId, request.query);
        return { object: 'list' as const, data: [...page.items], has_more: page.hasMore };
      } catch (error) {
        if (!(error instanceof InvalidCursorError)) throw error;
        return sendProblem(reply, { ...problem(400, 'invalid_cursor', 'Bad Request', error.message), param: 'starting_after' });
      }
    },
  );
}

/**
 * `GET /v1/settlement/batches/:batch_id`: the settlement report of one closed batch: the totals
 * frozen at the close, the live totals, and the adjustments after close. Another partner's batch,
 * or one the read model has not seen yet, answers 404 `settlement_batch.not_found`.
 */
export function registerGetSettlementBatch(app: FastifyInstance, dependencies: SettlementQueryDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/settlement/batches/:batch_id',
    {
      config: authConfig('partner'),
      schema: {
        summary: 'Retrieve a settlement batch report',
        tags: ['settlement'],
        security: PARTNER_SECURITY,
        params: settlementBatchParamsSchema,
        response: { 200: settlementBatchReportSchema, 400: problemSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const clientPartnerId = clientPartnerOf(request.principal);
      const batchId = request.params.batch_id;
      const report = clientPartnerId === undefined ? undefined : await readSettlementBatch(dependencies.readModels, clientPartnerId, batchId);
      if (report === undefined) return sendProblem(reply, problem(404, 'settlement_batch.not_found', 'Not Found', `no settlement batch ${batchId}`));
      return report;
    },
  );
}
