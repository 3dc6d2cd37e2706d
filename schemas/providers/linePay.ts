/**
 * Wire shapes of a CPM provider in the style of LINE Pay's Offline API v2 (payments.md §4.2), shared
 * by the CPM adapter (infra/adapters/providers/linePay) and the provider sandbox (sandbox/): the
 * terminal scans the customer's one-time key and the server pays with it synchronously. Envelope
 * `{returnCode, returnMessage, info}`; `returnCode` "0000" is success.
 */
import { z } from 'zod';

export const LINE_PAY_SUCCESS = '0000';

const orderId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/);

export const linePayEnvelopeSchema = <Info extends z.ZodType>(info: Info) =>
  z.looseObject({ returnCode: z.string().regex(/^[0-9]{4}$/), returnMessage: z.string(), info: info.nullable().optional() });

export const oneTimeKeyPayRequestSchema = z.looseObject({
  amount: z.int().min(1),
  currency: z.literal('JPY'),
  orderId,
  productName: z.string().min(1).max(4_000),
  /** The customer's My Code: 12 digits, valid 5 minutes. */
  oneTimeKey: z.string().regex(/^[0-9]{12}$/),
  capture: z.boolean().optional(),
});

export const linePayStatuses = ['COMPLETE', 'AUTHORIZATION', 'VOIDED_AUTHORIZATION', 'REFUNDED', 'FAIL'] as const;

export const linePayPaymentInfoSchema = z.looseObject({
  transactionId: z.string(),
  orderId: z.string(),
  status: z.enum(linePayStatuses),
  transactionDate: z.string(),
  /** What the customer paid, by method (their total must equal the amount asked: check it). */
  payInfo: z.array(z.looseObject({ method: z.string(), amount: z.int() })),
  authorizationExpireDate: z.string().optional(),
});

export const linePayRefundRequestSchema = z.looseObject({ refundAmount: z.int().min(1) });

export const linePayRefundInfoSchema = z.looseObject({ refundTransactionId: z.string(), refundTransactionDate: z.string() });

export const linePayCaptureRequestSchema = z.looseObject({ amount: z.int().min(1), currency: z.literal('JPY') });
