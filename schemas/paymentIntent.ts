import { z } from 'zod';
import { storableText } from './text.js';

/** Amounts are integers in minor units (JPY has none), at most 99,999,999,999 (JSON-safe, far above any till). */
export const amountMinorSchema = z.int().min(1).max(99_999_999_999);
export const currencySchema = z.enum(['JPY']).describe('ISO 4217; JPY has no minor unit');
const identifier = (description: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .describe(description);
const paymentIntentIdSchema = z
  .string()
  .regex(/^pi_[0-9A-HJKMNP-TV-Z]{26}$/)
  .describe('pi_ + ULID');
const text = (max: number) => storableText(max);

export const paymentIntentParamsSchema = z.object({ payment_intent_id: paymentIntentIdSchema }).strict();
/** `GET /v1/payment_intents/:id` long-poll: answer once the stream revision differs from `wait_for_change` (or after `timeout_ms`). */
export const waitForChangeQuerySchema = z
  .object({
    wait_for_change: z.coerce.number().int().min(-1).max(1_000_000).optional().describe('The X-Stream-Revision last seen: answer once the intent has changed since.'),
    timeout_ms: z.coerce.number().int().min(0).max(30_000).default(10_000).describe('How long to wait for a change (default 10 000 ms, at most 30 000).'),
  })
  .strict();

export const refundParamsSchema = z.object({ payment_intent_id: paymentIntentIdSchema, refund_id: identifier('re_ + ULID') }).strict();

export const createPaymentIntentBodySchema = z
  .object({
    amount: amountMinorSchema,
    currency: currencySchema.default('JPY'),
    mode: z.enum(['manual', 'external', 'pgw_processed']).describe('manual = cash, external = card via the card app, pgw_processed = QR via a provider'),
    provider: z.enum(['paypay', 'rakuten_pay', 'd_barai', 'au_pay', 'merpay']).nullable().default(null).describe('Required for pgw_processed'),
    capture_method: z.enum(['automatic', 'manual']).default('automatic'),
    store_id: z
      .string()
      .regex(/^str_[0-9A-HJKMNP-TV-Z]{26}$/)
      .optional()
      .describe('Partner servers: the store; terminals: omitted (their own)'),
    terminal_id: z
      .string()
      .regex(/^trm_[0-9A-HJKMNP-TV-Z]{26}$/)
      .optional()
      .describe('Partner servers: the terminal; terminals: omitted (themselves)'),
    client_reference_id: identifier('The order or bill reference the terminal attached').nullable().default(null),
    expires_in_seconds: z
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(900),
  })
  .strict();

export const confirmPaymentIntentBodySchema = z
  .object({
    payment_method: z.discriminatedUnion('type', [
      z.object({ type: z.literal('cash'), tendered: amountMinorSchema.describe('Cash handed over; change = tendered − amount') }).strict(),
      z.object({ type: z.literal('card') }).strict(),
      z.object({ type: z.literal('qr') }).strict(),
    ]),
  })
  .strict();

const attemptIdSchema = identifier('The attempt id returned by confirm');

export const reportCardResultBodySchema = z.discriminatedUnion('outcome', [
  z
    .object({
      attempt_id: attemptIdSchema,
      outcome: z.literal('approved'),
      amount: amountMinorSchema,
      approval_number: text(32),
      slip_number: text(32).nullable().default(null),
      masked_pan: z
        .string()
        .regex(/^[0-9]{0,8}[*]{2,15}[0-9]{0,4}$/)
        .max(19)
        .describe('At most the first 8 and last 4 digits'),
      brand: z.enum(['visa', 'mastercard', 'jcb', 'amex', 'diners', 'discover', 'unionpay']),
      capture_before: z.iso.datetime().nullable().default(null),
    })
    .strict(),
  z.object({ attempt_id: attemptIdSchema, outcome: z.literal('declined'), decline_code: text(64), message: text(500) }).strict(),
  z.object({ attempt_id: attemptIdSchema, outcome: z.literal('unknown') }).strict(),
]);

export const reportProviderResultBodySchema = z.discriminatedUnion('outcome', [
  z.object({ attempt_id: attemptIdSchema, outcome: z.literal('succeeded'), amount: amountMinorSchema, provider_payment_id: text(64) }).strict(),
  z.object({ attempt_id: attemptIdSchema, outcome: z.literal('authorized'), amount: amountMinorSchema, provider_payment_id: text(64), capture_before: z.iso.datetime() }).strict(),
  z.object({ attempt_id: attemptIdSchema, outcome: z.literal('failed'), code: text(64), message: text(500) }).strict(),
  z.object({ attempt_id: attemptIdSchema, outcome: z.literal('unknown') }).strict(),
]);

export const capturePaymentIntentBodySchema = z.object({ amount_to_capture: amountMinorSchema.nullable().default(null) }).strict();

export const cancelPaymentIntentBodySchema = z
  .object({
    cancellation_reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned']).default('requested_by_customer'),
    provider_cancel_accepted: z.boolean().default(false).describe('QR only: the provider accepted a cancel of the attempt in flight'),
  })
  .strict();

export const createRefundBodySchema = z
  .object({
    amount: amountMinorSchema,
    reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer', 'operator_error']).default('requested_by_customer'),
  })
  .strict();

export const reportRefundResultBodySchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('succeeded'), provider_refund_id: text(64) }).strict(),
  z.object({ outcome: z.literal('failed'), failure_reason: text(500) }).strict(),
]);

const moneyFields = { currency: currencySchema };

export const paymentIntentSchema = z
  .object({
    id: z.string(),
    object: z.literal('payment_intent'),
    status: z.enum(['pending', 'requires_action', 'processing', 'requires_capture', 'completed', 'canceled']),
    mode: z.enum(['manual', 'external', 'pgw_processed']),
    amount: z.int(),
    ...moneyFields,
    amount_received: z.int(),
    amount_capturable: z.int(),
    amount_refunded: z.int(),
    refund_status: z.enum(['none', 'partial', 'full']),
    capture_method: z.enum(['automatic', 'manual']),
    provider: z.string().nullable(),
    merchant_id: z.string(),
    store_id: z.string(),
    terminal_id: z.string(),
    client_reference_id: z.string().nullable(),
    created_at: z.string(),
    expires_at: z.string(),
    canceled_at: z.string().nullable(),
    cancellation_reason: z.string().nullable(),
    completed_at: z.string().nullable(),
    next_action: z
      .object({
        type: z.enum(['launch_card_app', 'display_qr', 'await_provider']),
        attempt_id: z.string(),
        qr: z
          .object({ url: z.string(), deeplink: z.string(), code_id: z.string(), expires_at: z.string() })
          .nullable()
          .optional()
          .describe('display_qr only: the QR to show; null while the provider is making it (ask again, or long-poll)'),
      })
      .nullable(),
    last_payment_error: z.object({ type: z.string(), code: z.string(), decline_code: z.string().nullable(), message: z.string(), attempt_id: z.string() }).nullable(),
    attempts: z.array(
      z.object({
        id: z.string(),
        payment_method_type: z.enum(['cash', 'card', 'qr']),
        status: z.string(),
        amount: z.int(),
        tendered: z.int().nullable(),
        change: z.int().nullable(),
        started_at: z.string(),
        card: z.object({ brand: z.string(), masked_pan: z.string(), approval_number: z.string() }).nullable(),
      }),
    ),
    refunds: z.array(z.object({ id: z.string(), amount: z.int(), reason: z.string(), status: z.enum(['pending', 'succeeded', 'failed']), requested_at: z.string() })),
    payment_token: z.string().optional().describe('Only in the create response: lets a client SDK read and confirm this intent'),
  })
  .meta({ id: 'PaymentIntent' });

export type PaymentIntentResource = z.infer<typeof paymentIntentSchema>;
