/**
 * HTTP schemas of settlement (payments.md §5.2): closing a merchant × provider × business day
 * batch (`POST /v1/settlement/batches`), the per-day settlement rows (`GET /v1/settlement`) and one
 * batch's report (`GET /v1/settlement/batches/:batch_id`). Amounts are integers in minor units.
 */
import { z } from 'zod';
import { storableText } from './text.js';
import type { ProviderCode } from '../domain/tenancy/index.js';
import { REPORT_DAYS_MAX, businessDateSchema, periodProblem } from './sales.js';
import { merchantIdSchema } from './tenancy.js';

export const SETTLEMENT_PAGE_SIZE_DEFAULT = 20;
export const SETTLEMENT_PAGE_SIZE_MAX = 100;

export const settlementProviderSchema = z
  .enum(['card', 'paypay', 'rakuten_pay', 'd_barai', 'au_pay', 'merpay'] satisfies ProviderCode[])
  .describe('card (the store acquirer) or a QR provider; cash is not settled');

export const settlementBatchIdSchema = z
  .string()
  .max(30)
  .regex(/^stb_[0-7][0-9A-HJKMNP-TV-Z]{25}$/)
  .describe('stb_ + ULID');

////////// Close a batch

/**
 * Closing moves no money itself but freezes what is paid out: like the money POSTs, it requires a
 * key. Optional in the schema so a missing key answers the specific `idempotency_key_required`.
 */
export const settlementCommandHeadersSchema = z
  .object({ 'idempotency-key': z.string().optional().describe('Required: 1–255 printable ASCII characters; reuse it for every retry of this command') })
  .loose()
  .meta({ 'x-idempotency-key': 'required' });

export const closeSettlementBatchBodySchema = z
  .object({ merchant_id: merchantIdSchema, provider: settlementProviderSchema, business_date: businessDateSchema })
  .strict()
  .meta({ id: 'CloseSettlementBatch' });

export const settlementBatchClosedSchema = z
  .object({
    id: settlementBatchIdSchema,
    object: z.literal('settlement_batch'),
    merchant_id: z.string(),
    provider: settlementProviderSchema,
    business_date: z.string(),
    status: z.literal('closed'),
    closed_at: z.string(),
  })
  .meta({ id: 'SettlementBatchClosed' });

export type SettlementBatchClosedResource = z.infer<typeof settlementBatchClosedSchema>;

////////// Read

const totalsSchema = z
  .object({
    payment_count: z.int(),
    gross: z.int(),
    refund_count: z.int(),
    refunds: z.int(),
    fees: z.int().describe('MDR + 10 % consumption tax accrued on the payments'),
    net: z.int().describe('gross − refunds − fees: what the provider pays out'),
  })
  .meta({ id: 'SettlementTotals' });

export type SettlementTotals = z.infer<typeof totalsSchema>;

export const settlementListQuerySchema = z
  .object({
    merchant_id: merchantIdSchema,
    provider: settlementProviderSchema.optional(),
    status: z.enum(['open', 'closed']).optional(),
    business_date_from: businessDateSchema.optional().describe('Inclusive'),
    business_date_to: businessDateSchema.optional().describe(`Inclusive; with business_date_from, at most ${REPORT_DAYS_MAX} days counting both`),
    limit: z.coerce.number().int().min(1).max(SETTLEMENT_PAGE_SIZE_MAX).default(SETTLEMENT_PAGE_SIZE_DEFAULT).describe('Page size, 1–100 (default 20)'),
    starting_after: storableText(512).optional().describe('The id of the last row of the previous page: the next page starts after it'),
  })
  .strict()
  .superRefine((query, context) => {
    const problem = periodProblem(query.business_date_from, query.business_date_to);
    if (problem !== undefined) context.addIssue({ code: 'custom', path: ['business_date_to'], message: problem });
  });

export type SettlementListQuery = z.infer<typeof settlementListQuerySchema>;

export const settlementDaySchema = z
  .object({
    id: z.string().describe('Opaque; pass it as starting_after to continue after this row'),
    object: z.literal('settlement_day'),
    merchant_id: z.string(),
    provider: z.string(),
    business_date: z.string(),
    currency: z.string(),
    status: z.enum(['open', 'closed']),
    batch_id: z.string().nullable(),
    closed_at: z.string().nullable(),
    ...totalsSchema.shape,
    adjustments_after_close: totalsSchema.nullable().describe('Closed days: live totals − totals at the close; null while open'),
  })
  .meta({ id: 'SettlementDay' });

export type SettlementDayResource = z.infer<typeof settlementDaySchema>;

export const settlementDayListSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(settlementDaySchema).describe('Newest business date first'),
    has_more: z.boolean().describe('More rows follow: pass the last id as starting_after'),
  })
  .meta({ id: 'SettlementDayList' });

export const settlementBatchParamsSchema = z.object({ batch_id: settlementBatchIdSchema }).strict();

export const settlementBatchReportSchema = z
  .object({
    id: settlementBatchIdSchema,
    object: z.literal('settlement_batch'),
    merchant_id: z.string(),
    provider: z.string(),
    business_date: z.string(),
    status: z.literal('closed'),
    closed_at: z.string(),
    lines: z
      .array(
        z.object({
          currency: z.string(),
          at_close: totalsSchema.describe('Frozen when the batch closed'),
          live: totalsSchema.describe('Everything placed on this day so far'),
          adjustments_after_close: totalsSchema.describe('live − at_close: what arrived after the close'),
        }),
      )
      .describe('One line per currency; empty when the day had no card or QR takings'),
  })
  .meta({ id: 'SettlementBatchReport' });

export type SettlementBatchReport = z.infer<typeof settlementBatchReportSchema>;
