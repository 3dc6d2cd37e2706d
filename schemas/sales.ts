/**
 * HTTP schemas of the sales report (`GET /v1/reports/sales`), served from the `sales` read model:
 * takings by business date, optionally summed across store, terminal, mode or provider.
 * Amounts are integers in minor units of `currency` (JPY has none).
 */
import { z } from 'zod';
import { storableText } from './text.js';
import { merchantIdSchema, providerCodeSchema, storeIdSchema, terminalIdSchema } from './tenancy.js';

export const SALES_PAGE_SIZE_DEFAULT = 20;
export const SALES_PAGE_SIZE_MAX = 100;
/** The longest period one report covers, both ends included (a leap year). */
export const REPORT_DAYS_MAX = 366;

export const businessDateSchema = z.iso.date().describe("A business date, YYYY-MM-DD (the store's time zone and cut-off)");

const DAY_MS = 86_400_000;

/** Days from `from` to `to`, both included (dates already validated as YYYY-MM-DD). */
export const daysInclusive = (from: string, to: string): number => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;

/** An error message for a bad period, or undefined when `from`..`to` is a valid one. */
export function periodProblem(from: string | undefined, to: string | undefined): string | undefined {
  if (from === undefined || to === undefined) return undefined;
  if (from > to) return 'must not be before business_date_from';
  if (daysInclusive(from, to) > REPORT_DAYS_MAX) return `the period may cover at most ${REPORT_DAYS_MAX} days`;
  return undefined;
}

export const salesDimensions = ['store', 'terminal', 'mode', 'provider'] as const;
export type SalesDimension = (typeof salesDimensions)[number];

const groupBySchema = z
  .string()
  .max(64)
  .regex(/^(store|terminal|mode|provider)(,(store|terminal|mode|provider)){0,3}$/, 'a comma-separated subset of store, terminal, mode, provider')
  .transform((value) => [...new Set(value.split(','))] as SalesDimension[])
  .describe('Keep these dimensions (comma-separated subset of store, terminal, mode, provider) and sum across the others; default: all four');

export const paymentModeSchema = z.enum(['manual', 'external', 'pgw_processed']).describe('manual = cash, external = card, pgw_processed = QR');

export const salesReportQuerySchema = z
  .object({
    merchant_id: merchantIdSchema.optional().describe('Required for partner callers; a terminal sees its own store only'),
    store_id: storeIdSchema.optional(),
    terminal_id: terminalIdSchema.optional(),
    mode: paymentModeSchema.optional(),
    provider: providerCodeSchema.optional().describe('Who settles the money: card (the acquirer) or a QR provider'),
    business_date_from: businessDateSchema.describe('Inclusive'),
    business_date_to: businessDateSchema.describe(`Inclusive; at most ${REPORT_DAYS_MAX} days after business_date_from, counting both`),
    group_by: groupBySchema.optional(),
    limit: z.coerce.number().int().min(1).max(SALES_PAGE_SIZE_MAX).default(SALES_PAGE_SIZE_DEFAULT).describe('Page size, 1–100 (default 20)'),
    starting_after: storableText(512).optional().describe('The id of the last row of the previous page: the next page starts after it'),
  })
  .strict()
  .superRefine((query, context) => {
    const problem = periodProblem(query.business_date_from, query.business_date_to);
    if (problem !== undefined) context.addIssue({ code: 'custom', path: ['business_date_to'], message: problem });
  });

export type SalesReportQuery = z.infer<typeof salesReportQuerySchema>;

export const salesSummarySchema = z
  .object({
    id: z.string().describe('Opaque; pass it as starting_after to continue after this row'),
    object: z.literal('sales_summary'),
    business_date: z.string(),
    merchant_id: z.string(),
    store_id: z.string().nullable().describe('null when summed across stores'),
    terminal_id: z.string().nullable().describe('null when summed across terminals'),
    mode: paymentModeSchema.nullable().describe('null when summed across modes'),
    provider: z.string().nullable().describe('card, or the QR provider; null for cash, or when summed across providers'),
    currency: z.string(),
    payment_count: z.int().describe('Completed payments'),
    gross: z.int().describe('Sum of completed payments (a partial capture counts what was captured)'),
    refund_count: z.int().describe('Succeeded refunds, on their own business date'),
    refunds: z.int(),
    net: z.int().describe('gross − refunds'),
    fees: z.int().describe('Provider fees accrued on the payments (MDR + 10 % consumption tax), reported beside net'),
  })
  .meta({ id: 'SalesSummary' });

export type SalesSummary = z.infer<typeof salesSummarySchema>;

export const salesSummaryListSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(salesSummarySchema).describe('Newest business date first'),
    has_more: z.boolean().describe('More rows follow: pass the last id as starting_after'),
  })
  .meta({ id: 'SalesSummaryList' });

export type SalesSummaryList = z.infer<typeof salesSummaryListSchema>;
