/**
 * Stored PaymentIntent events, schema version 1: one zod schema per member of
 * `PaymentIntentEvent` (domain/paymentIntent/events.ts). The type test at the end fails typecheck
 * when the domain type and its schema drift apart.
 */
import { z } from 'zod';
import type {
  CancellationReason,
  CardBrand,
  CompensationMethod,
  PaymentIntentEvent,
  PaymentIntentEventType,
  PaymentMode,
  RefundReason,
  RequiredCompensation,
  SystemCancellationReason,
  UserCancellationReason,
} from '../../domain/paymentIntent/index.js';
import { PAYMENT_INTENT_STREAM_PREFIX } from '../../domain/paymentIntent/index.js';
import { currencies } from '../../domain/shared/index.js';
import { defineEventCodec, type AllAgree, type Agrees, type DataOf, type EventSchemas } from './codec.js';

export const moneySchema = z.object({ amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), currency: z.enum(currencies) });

const contextFields = {
  paymentIntentId: z.string(),
  mode: z.enum(['manual', 'external', 'pgw_processed'] satisfies PaymentMode[]),
  provider: z.string().nullable(),
  clientPartnerId: z.string(),
  merchantId: z.string(),
  storeId: z.string(),
  terminalId: z.string(),
  occurredAt: z.string(),
};
const eventData = <Shape extends z.ZodRawShape>(shape: Shape) => z.object({ ...contextFields, ...shape });

const cardDetails = z.object({
  type: z.literal('card'),
  approvalNumber: z.string(),
  slipNumber: z.string().nullable(),
  maskedPan: z.string(),
  brand: z.enum(['visa', 'mastercard', 'jcb', 'amex', 'diners', 'discover', 'unionpay'] satisfies CardBrand[]),
});
const details = z.discriminatedUnion('type', [cardDetails, z.object({ type: z.literal('qr'), providerPaymentId: z.string() })]);
const positiveOutcome = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('succeeded'), amount: moneySchema, details, captureBefore: z.null() }),
  z.object({ outcome: z.literal('authorized'), amount: moneySchema, details, captureBefore: z.string() }),
]);
const paymentError = z.object({
  type: z.enum(['card_error', 'provider_error']),
  code: z.string(),
  declineCode: z.string().nullable(),
  message: z.string(),
  attemptId: z.string(),
});
const requiredCompensation = z.enum(['void_authorization', 'reverse_payment'] satisfies RequiredCompensation[]);
const paymentMethodType = z.enum(['cash', 'card', 'qr']);
const userReasons = z.enum(['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] satisfies UserCancellationReason[]);
const systemReasons = z.enum(['expired', 'automatic'] satisfies SystemCancellationReason[]);
const closing = <Reason extends z.ZodType<CancellationReason>>(cancellationReason: Reason) =>
  eventData({
    amount: moneySchema,
    cancellationReason,
    statusBefore: z.enum(['pending', 'requires_action', 'processing', 'requires_capture']),
    attemptId: z.string().nullable(),
    amountReleased: moneySchema,
  });
const lateSuccess = eventData({ attemptId: z.string(), reported: positiveOutcome, requiredCompensation });

const schemas = {
  PaymentIntentCreated: eventData({
    amount: moneySchema,
    captureMethod: z.enum(['automatic', 'manual']),
    clientReferenceId: z.string().nullable(),
    expiresAt: z.string(),
  }),
  PaymentAttemptStarted: eventData({
    attemptId: z.string(),
    amount: moneySchema,
    paymentMethodType: z.enum(['card', 'qr']),
    nextAction: z.enum(['launch_external_card_app', 'display_qr']),
  }),
  CashPaymentReceived: eventData({ attemptId: z.string(), amount: moneySchema, tendered: moneySchema, change: moneySchema }),
  PaymentAttemptSucceeded: eventData({ attemptId: z.string(), amount: moneySchema, details }),
  PaymentAttemptAuthorized: eventData({ attemptId: z.string(), amountAuthorized: moneySchema, captureBefore: z.string(), details }),
  PaymentAttemptFailed: eventData({ attemptId: z.string(), amount: moneySchema, error: paymentError }),
  PaymentAttemptOutcomeUnknown: eventData({ attemptId: z.string(), amount: moneySchema }),
  PaymentAttemptQrIssued: eventData({
    attemptId: z.string(),
    amount: moneySchema,
    qr: z.object({ codeId: z.string(), url: z.string(), deeplink: z.string(), expiresAt: z.string() }),
  }),
  PaymentAttemptAmountMismatched: eventData({
    attemptId: z.string(),
    amountExpected: moneySchema,
    reported: positiveOutcome,
    error: paymentError,
    requiredCompensation,
  }),
  PaymentAttemptSucceededAfterCancel: lateSuccess,
  PaymentAttemptSucceededAfterFailure: lateSuccess,
  PaymentAttemptCompensated: eventData({
    attemptId: z.string(),
    amount: moneySchema,
    method: z.enum(['authorization_voided', 'payment_reversed', 'payment_refunded'] satisfies CompensationMethod[]),
  }),
  PaymentIntentCaptured: eventData({ attemptId: z.string(), amountAuthorized: moneySchema, amountCaptured: moneySchema, amountReleased: moneySchema }),
  PaymentIntentCanceled: closing(userReasons),
  PaymentIntentExpired: closing(systemReasons),
  RefundRequested: eventData({
    refundId: z.string(),
    amount: moneySchema,
    reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer', 'operator_error'] satisfies RefundReason[]),
    paymentMethodType,
  }),
  RefundSucceeded: eventData({ refundId: z.string(), amount: moneySchema, providerRefundId: z.string().nullable() }),
  RefundFailed: eventData({ refundId: z.string(), amount: moneySchema, failureReason: z.string() }),
} satisfies EventSchemas<PaymentIntentEvent>;

/** Type test: each schema's output is exactly its event's data (a drift fails typecheck). */
export type PaymentIntentSchemasAgree = AllAgree<{
  [T in PaymentIntentEventType]: Agrees<z.output<(typeof schemas)[T]>, DataOf<PaymentIntentEvent, T>>;
}>;

/** @example const event = paymentIntentCodec.decode(recorded); // PaymentIntentEvent, or UndecodableEventError */
export const paymentIntentCodec = defineEventCodec<PaymentIntentEvent>({
  aggregate: 'PaymentIntent',
  streamPrefix: PAYMENT_INTENT_STREAM_PREFIX,
  schemaVersion: 1,
  schemas,
});
