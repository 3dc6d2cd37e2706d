/**
 * The four public payment events (v1), published on the `mpac.payments.v1` topic with the payment
 * intent id as key. Field names are snake_case like the HTTP API; amounts are integers in minor
 * units of the event's `currency`. See docs/integration-events.md for when each one is emitted.
 */
import { z } from 'zod';
import { amountSchema, envelopeShape, paymentMethodTypeSchema } from './common.js';

const text = (max: number) => z.string().min(1).max(max);

/** How the money was taken: cash (tendered / change for the receipt), card (masked), or QR. */
export const paymentMethodSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('cash'),
    tendered: amountSchema.describe('Cash handed over'),
    change: amountSchema.describe('tendered − amount'),
  }),
  z.looseObject({
    type: z.literal('card'),
    brand: text(32).describe('visa, mastercard, jcb, amex, diners, discover, unionpay'),
    masked_pan: text(19).describe('At most the first 8 and last 4 digits, e.g. 424242******4242'),
    approval_number: text(32),
    slip_number: text(32).nullable(),
  }),
  z.looseObject({
    type: z.literal('qr'),
    provider_payment_id: text(64).describe("The provider's own payment id"),
  }),
]);

export const paymentCompletedV1Schema = z
  .looseObject({
    ...envelopeShape('payment.completed.v1', 'The payment completed: the money was received (sale, or capture of a hold)'),
    attempt_id: text(64).describe('The attempt that took the money'),
    amount: amountSchema.describe('Amount received'),
    payment_method: paymentMethodSchema,
  })
  .meta({ title: 'payment.completed.v1', description: 'A PaymentIntent completed: the customer paid `amount`.' });

export const paymentFailedV1Schema = z
  .looseObject({
    ...envelopeShape('payment.failed.v1', 'A payment attempt failed or was declined; the intent may be retried'),
    attempt_id: text(64),
    amount: amountSchema.describe('Amount the attempt tried to take'),
    payment_method_type: paymentMethodTypeSchema,
    failure: z.looseObject({
      type: z.enum(['card_error', 'provider_error']),
      code: text(64).describe('Stable code, e.g. card_declined, amount_mismatch, or the provider code'),
      decline_code: text(64).nullable().describe("The issuer's decline code for cards, if any"),
      message: text(500).describe('Human-readable; safe to show on the terminal'),
    }),
  })
  .meta({ title: 'payment.failed.v1', description: 'An attempt to pay a PaymentIntent failed; the intent is pending again.' });

export const paymentCanceledV1Schema = z
  .looseObject({
    ...envelopeShape('payment.canceled.v1', 'The PaymentIntent was canceled or expired; it will never complete'),
    amount: amountSchema.describe('The amount the intent was for'),
    cancellation_reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned', 'expired', 'automatic']),
    status_before: z.enum(['pending', 'requires_action', 'processing', 'requires_capture']),
    amount_released: amountSchema.describe('An authorization voided by the cancel, or 0'),
  })
  .meta({ title: 'payment.canceled.v1', description: 'A PaymentIntent was canceled (by a caller) or expired (by the system).' });

export const paymentRefundedV1Schema = z
  .looseObject({
    ...envelopeShape('payment.refunded.v1', 'A refund succeeded: money went back to the original payment method'),
    refund_id: text(64),
    amount_refunded: amountSchema.describe('Refunded by THIS refund'),
    total_refunded: amountSchema.describe('All succeeded refunds of the intent so far, this one included'),
    amount_received: amountSchema.describe('What the intent received (the base of proportional reversals)'),
    refund_status: z.enum(['partial', 'full']).describe('full once total_refunded = amount_received'),
    payment_method_type: paymentMethodTypeSchema,
  })
  .meta({ title: 'payment.refunded.v1', description: 'A refund of a completed PaymentIntent succeeded.' });

export type PaymentMethod = z.infer<typeof paymentMethodSchema>;
export type PaymentCompletedV1 = z.infer<typeof paymentCompletedV1Schema>;
export type PaymentFailedV1 = z.infer<typeof paymentFailedV1Schema>;
export type PaymentCanceledV1 = z.infer<typeof paymentCanceledV1Schema>;
export type PaymentRefundedV1 = z.infer<typeof paymentRefundedV1Schema>;

/** Every payment integration event this version of the contract defines. */
export const paymentIntegrationEventSchema = z.discriminatedUnion('type', [paymentCompletedV1Schema, paymentFailedV1Schema, paymentCanceledV1Schema, paymentRefundedV1Schema]);
export type PaymentIntegrationEvent = z.infer<typeof paymentIntegrationEventSchema>;
export type PaymentIntegrationEventType = PaymentIntegrationEvent['type'];

/** Schema per type name, e.g. for a consumer that routes on the `event-type` header first. */
export const paymentIntegrationEventSchemas = Object.freeze({
  'payment.completed.v1': paymentCompletedV1Schema,
  'payment.failed.v1': paymentFailedV1Schema,
  'payment.canceled.v1': paymentCanceledV1Schema,
  'payment.refunded.v1': paymentRefundedV1Schema,
} as const satisfies { [Type in PaymentIntegrationEventType]: z.ZodType });

export const paymentIntegrationEventTypes = Object.freeze(Object.keys(paymentIntegrationEventSchemas) as PaymentIntegrationEventType[]);

/** True for a type this contract version knows (`payment.completed.v1`…); false for `*.v2` or new names. */
export function isKnownPaymentEventType(type: string): type is PaymentIntegrationEventType {
  return Object.hasOwn(paymentIntegrationEventSchemas, type);
}
