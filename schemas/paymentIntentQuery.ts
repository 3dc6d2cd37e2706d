/**
 * HTTP schemas of the payment intent reports (`/v1/reports/payment_intents`): the eventually
 * consistent read side, served from the `payment_intents` read model. An item is the same
 * representation `GET /v1/payment_intents/:id` returns, plus the store's business date.
 */
import { z } from 'zod';
import { paymentIntentParamsSchema, paymentIntentSchema } from './paymentIntent.js';
import { merchantIdSchema, providerCodeSchema, storeIdSchema, terminalIdSchema } from './tenancy.js';

export const REPORT_PAGE_SIZE_DEFAULT = 20;
export const REPORT_PAGE_SIZE_MAX = 100;

const statusSchema = paymentIntentSchema.shape.status;
const businessDateSchema = z.iso.date().describe("A business date, YYYY-MM-DD (the store's time zone and cut-off)");
const instantSchema = z.iso.datetime({ offset: true }).describe('ISO-8601 instant, e.g. 2025-06-01T09:00:00Z or 2025-06-01T18:00:00+09:00');

/** `status=completed&status=canceled` or `status=completed,canceled`. */
const statusListSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => [...new Set((typeof value === 'string' ? [value] : value).flatMap((entry) => entry.split(',')))])
  .pipe(z.array(statusSchema).min(1).max(6))
  .describe('One or more statuses: repeat the parameter or separate them with commas');

export const paymentIntentReportParamsSchema = paymentIntentParamsSchema;

export const listPaymentIntentReportsQuerySchema = z
  .object({
    merchant_id: merchantIdSchema.optional().describe('Only this merchant (a terminal sees its own store only)'),
    store_id: storeIdSchema.optional(),
    terminal_id: terminalIdSchema.optional(),
    status: statusListSchema.optional(),
    mode: paymentIntentSchema.shape.mode.optional(),
    provider: providerCodeSchema.exclude(['card']).optional().describe('QR provider of pgw_processed intents'),
    business_date_from: businessDateSchema.optional().describe('Inclusive'),
    business_date_to: businessDateSchema.optional().describe('Inclusive'),
    created_from: instantSchema.optional().describe('Inclusive: created at or after'),
    created_to: instantSchema.optional().describe('Inclusive: created at or before'),
    limit: z.coerce.number().int().min(1).max(REPORT_PAGE_SIZE_MAX).default(REPORT_PAGE_SIZE_DEFAULT).describe('Page size, 1–100 (default 20)'),
    starting_after: paymentIntentParamsSchema.shape.payment_intent_id.optional().describe('The id of the last intent of the previous page: the next page starts after it'),
  })
  .strict()
  .refine((query) => query.business_date_from === undefined || query.business_date_to === undefined || query.business_date_from <= query.business_date_to, {
    path: ['business_date_to'],
    message: 'must not be before business_date_from',
  })
  .refine((query) => query.created_from === undefined || query.created_to === undefined || Date.parse(query.created_from) <= Date.parse(query.created_to), {
    path: ['created_to'],
    message: 'must not be before created_from',
  });

export type ListPaymentIntentReportsQuery = z.infer<typeof listPaymentIntentReportsQuerySchema>;

export const paymentIntentReportSchema = paymentIntentSchema
  .omit({ payment_token: true })
  .extend({ business_date: z.string().describe("The store's business date of created_at (time zone and cut-off in force then)") })
  .meta({ id: 'PaymentIntentReport' });

export type PaymentIntentReport = z.infer<typeof paymentIntentReportSchema>;

export const paymentIntentReportListSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(paymentIntentReportSchema).describe('Newest first'),
    has_more: z.boolean().describe('More intents follow: pass the last id as starting_after'),
  })
  .meta({ id: 'PaymentIntentReportList' });

export type PaymentIntentReportList = z.infer<typeof paymentIntentReportListSchema>;
