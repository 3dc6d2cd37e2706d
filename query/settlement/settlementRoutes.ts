import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { authConfig } from '../../http/authConfig.js';
import { sendProblem } from '../../http/sendProblem.js';
import { problem, problemSchema } from '../../schemas/problem.js';
import { settlementBatchParamsSchema, settlementBatchReportSchema, settlementDayListSchema, settlementListQuerySchema } from '../../schemas/settlement.js';
import { queryScopeOf } from '../queryScope.js';
import type { ReadModels } from '../../schemas/readModels/readModels.js';
import { InvalidCursorError } from '../sales/rowCursor.js';
import { listSettlementDays, readSettlementBatch } from './settlementReports.js';

/** What the settlement routes need (a subset of query/index.ts `QueryDependencies`, named here to avoid an import cycle). */
export type SettlementQueryDependencies = Readonly<{ readModels: ReadModels }>;

const SETTLEMENT_SECURITY = [{ partnerHmac: [] }, { staffBearer: [] }];

/**
 * The caller's client partner id and, for a merchant reader, the one merchant it may see; the routes
 * allow partners and merchant readers only, so anything else is refused as not found.
 */
function settlementScopeOf(principal: Parameters<typeof queryScopeOf>[0]): Readonly<{ clientPartnerId: string; merchantId: string | undefined }> | undefined {
  const scope = queryScopeOf(principal);
  if (scope?.kind === 'client_partner') return { clientPartnerId: scope.clientPartnerId, merchantId: undefined };
  if (scope?.kind === 'merchant') return { clientPartnerId: scope.clientPartnerId, merchantId: scope.merchantId };
  return undefined;
}

/**
 * `GET /v1/settlement`: one merchant's settlement by business day × provider × currency, newest
 * first, each open or closed (with its batch and the adjustments that arrived after the close).
 */
export function registerListSettlement(app: FastifyInstance, dependencies: SettlementQueryDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/settlement',
    {
      config: authConfig('partner', { staff: ['merchant_reader'] }),
      schema: {
        summary: 'Settlement by business day',
        description:
          'What each provider owes the merchant per business day: gross − refunds − fees = net (cash is not settled). A closed day carries its batch and `adjustments_after_close` (what was placed on that day after the close). Served from the settlement read model: eventually consistent.',
        tags: ['settlement'],
        security: SETTLEMENT_SECURITY,
        querystring: settlementListQuerySchema,
        response: { 200: settlementDayListSchema, 400: problemSchema },
      },
    },
    async (request, reply) => {
      const scope = settlementScopeOf(request.principal);
      if (scope === undefined || (scope.merchantId !== undefined && scope.merchantId !== request.query.merchant_id)) return { object: 'list' as const, data: [], has_more: false };
      try {
        const page = await listSettlementDays(dependencies.readModels, scope.clientPartnerId, request.query);
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
      config: authConfig('partner', { staff: ['merchant_reader'] }),
      schema: {
        summary: 'Retrieve a settlement batch report',
        tags: ['settlement'],
        security: SETTLEMENT_SECURITY,
        params: settlementBatchParamsSchema,
        response: { 200: settlementBatchReportSchema, 400: problemSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const scope = settlementScopeOf(request.principal);
      const batchId = request.params.batch_id;
      const report = scope === undefined ? undefined : await readSettlementBatch(dependencies.readModels, scope.clientPartnerId, batchId);
      if (report === undefined || (scope?.merchantId !== undefined && report.merchant_id !== scope.merchantId))
        return sendProblem(reply, problem(404, 'settlement_batch.not_found', 'Not Found', `no settlement batch ${batchId}`));
      return report;
    },
  );
}
