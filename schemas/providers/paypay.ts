/**
 * PayPay Open Payment API wire shapes (payments.md §4.1), shared by the PayPay adapter
 * (infra/adapters/providers/paypay) and the provider sandbox (sandbox/): the response envelope,
 * the create-QR request, payment and refund details, and the transaction webhook.
 */
import { z } from 'zod';

export const paypayAmountSchema = z.object({ amount: z.int().min(0), currency: z.literal('JPY') });

export const resultInfoSchema = z.looseObject({ code: z.string(), message: z.string(), codeId: z.string().optional() });

/** `{resultInfo, data}`: `data` is absent or null on errors. */
export const envelopeSchema = <Data extends z.ZodType>(data: Data) => z.looseObject({ resultInfo: resultInfoSchema, data: data.nullable().optional() });

const reference = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const createQrRequestSchema = z.looseObject({
  merchantPaymentId: reference,
  amount: paypayAmountSchema,
  codeType: z.literal('ORDER_QR'),
  orderDescription: z.string().max(255).optional(),
  storeId: z.string().max(255).optional(),
  terminalId: z.string().max(255).optional(),
  requestedAt: z.int(),
  isAuthorization: z.boolean().optional(),
  authorizationExpiry: z.int().optional(),
});

export const qrCodeDataSchema = z.looseObject({
  codeId: z.string(),
  url: z.string(),
  deeplink: z.string(),
  expiryDate: z.int(),
  merchantPaymentId: z.string(),
  amount: paypayAmountSchema,
});

export const paymentStatuses = ['CREATED', 'AUTHORIZED', 'REAUTHORIZING', 'COMPLETED', 'REFUNDED', 'FAILED', 'CANCELED', 'EXPIRED'] as const;

export const paymentDetailsSchema = z.looseObject({
  status: z.enum(paymentStatuses),
  acceptedAt: z.int(),
  merchantPaymentId: z.string(),
  paymentId: z.string().optional(),
  amount: paypayAmountSchema,
  expiresAt: z.int().nullable().optional(),
});

export const refundRequestSchema = z.looseObject({
  merchantRefundId: reference,
  paymentId: z.string().min(1),
  amount: paypayAmountSchema,
  requestedAt: z.int(),
  reason: z.string().max(255).optional(),
});

export const refundDataSchema = z.looseObject({
  status: z.enum(['CREATED', 'REFUNDED', 'FAILED']),
  merchantRefundId: z.string(),
  paymentId: z.string(),
  amount: paypayAmountSchema,
  acceptedAt: z.int().optional(),
});

export const captureRequestSchema = z.looseObject({ merchantPaymentId: reference, merchantCaptureId: reference, amount: paypayAmountSchema, requestedAt: z.int() });

export const revertRequestSchema = z.looseObject({ merchantPaymentId: reference, merchantRevertId: reference, requestedAt: z.int() });

/** The transaction webhook (`notification_type: "Transaction"`); PayPay signs nothing (authentic by source address only). */
export const paypayWebhookSchema = z.looseObject({
  notification_type: z.literal('Transaction'),
  merchant_id: z.string().max(200).optional(),
  store_id: z.string().max(200).nullable().optional(),
  pos_id: z.string().max(200).nullable().optional(),
  order_id: z.string().max(200).nullable().optional(),
  merchant_order_id: reference,
  authorized_at: z.string().max(64).nullable().optional(),
  expires_at: z.string().max(64).nullable().optional(),
  paid_at: z.string().max(64).nullable().optional(),
  order_amount: z.int().min(0).optional(),
  state: z.enum(paymentStatuses),
});
