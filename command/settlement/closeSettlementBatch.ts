import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { settlementBatchDecider, toSettlementBatchStreamName, type CloseSettlementBatch, type SettlementBatchState } from '../../domain/settlement/index.js';
import { problem, problemSchema } from '../../schemas/problem.js';
import { closeSettlementBatchBodySchema, settlementBatchClosedSchema, settlementCommandHeadersSchema, type SettlementBatchClosedResource } from '../../schemas/settlement.js';
import type { CommandContext } from '../commandContext.js';
import { executeCommand, type CommandOutcome } from '../handleCommand.js';
import { authConfig } from '../../http/authConfig.js';
import { eventMetadata } from '../../http/eventMetadata.js';
import { runIdempotentCommand, serialize } from '../idempotentCommand.js';
import { findOwnedMerchant } from '../tenancy/ownership.js';
import { PARTNER_SECURITY, partnerOf, sendProblem } from '../tenancy/tenancyRoute.js';

export type SettlementCommandDependencies = Readonly<{ context: CommandContext }>;

function renderClosedBatch(state: SettlementBatchState): SettlementBatchClosedResource {
  if (state.status !== 'closed') throw new Error('a close decided nothing');
  return {
    id: state.batchId,
    object: 'settlement_batch',
    merchant_id: state.merchantId,
    provider: state.provider,
    business_date: state.businessDate,
    status: 'closed',
    closed_at: state.closedAt,
  };
}

/**
 * `POST /v1/settlement/batches`: closes the merchant's batch with one provider for one business
 * date (partners only, `Idempotency-Key` required). Another partner's merchant answers 404
 * `merchant.not_found`; a second close 409 `settlement.batch_already_closed`; a date not yet begun
 * anywhere 422 `settlement.business_day_not_over`. The 201 carries the batch; its totals appear in
 * `GET /v1/settlement/batches/:batch_id` once the settlement read model has seen the close.
 */
export function registerCloseSettlementBatch(app: FastifyInstance, { context }: SettlementCommandDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/settlement/batches',
    {
      config: authConfig('partner'),
      schema: {
        summary: 'Close a settlement batch',
        description:
          "Closes one merchant × provider × business day. The settlement report freezes the day's totals at the close; anything placed on that day later shows as adjustments after close.",
        tags: ['settlement'],
        security: PARTNER_SECURITY,
        headers: settlementCommandHeadersSchema,
        body: closeSettlementBatchBodySchema,
        response: {
          201: settlementBatchClosedSchema,
          400: problemSchema,
          401: problemSchema,
          403: problemSchema,
          404: problemSchema,
          409: problemSchema,
          422: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const principal = partnerOf(request);
      const { merchant_id: merchantId, provider, business_date: businessDate } = request.body;
      const merchant = await findOwnedMerchant(context, principal, merchantId);
      if (merchant === undefined) return sendProblem(reply, problem(404, 'merchant.not_found', 'Not Found', `no merchant ${merchantId}`));
      const batchId = context.newId('stb');
      const now = context.now().toISOString();
      return runIdempotentCommand(context, request, reply, principal, (key): Promise<CommandOutcome> =>
        executeCommand(context, {
          aggregate: settlementBatchDecider,
          stream: toSettlementBatchStreamName(merchant.merchantId, provider, businessDate),
          command: (): CloseSettlementBatch => ({
            type: 'CloseSettlementBatch',
            data: { batchId, clientPartnerId: principal.clientPartnerId, merchantId: merchant.merchantId, provider, businessDate, now },
          }),
          respond: (state) => serialize(201, renderClosedBatch(state)),
          metadata: eventMetadata(request, principal, key),
          idempotency: key,
        }),
      );
    },
  );
}
