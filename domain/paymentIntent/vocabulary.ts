/**
 * The words shared by the PaymentIntent's commands, events and state (payments.md §(a.1)).
 * Everything here is plain, readonly data.
 */
import type { Money } from '../shared/index.js';

/** How the money moves: cash at the till, a card through the terminal's card app, a QR provider. */
export type PaymentMode = 'manual' | 'external' | 'pgw_processed';

/** `manual` stops at `requires_capture` after an authorization (Stripe's `capture_method`). */
export type CaptureMethod = 'automatic' | 'manual';

export type PaymentMethodType = 'cash' | 'card' | 'qr';

/** Each mode accepts exactly one payment method, and refunds go back to it. */
export const paymentMethodTypeByMode = Object.freeze({
  manual: 'cash',
  external: 'card',
  pgw_processed: 'qr',
} as const satisfies Record<PaymentMode, PaymentMethodType>);

/** Reasons a caller may give (Stripe's). */
export type UserCancellationReason = 'duplicate' | 'fraudulent' | 'requested_by_customer' | 'abandoned';
/** Reasons only the system sets: `expired` (the unpaid intent's TTL), `automatic` (authorization window). */
export type SystemCancellationReason = 'expired' | 'automatic';
export type CancellationReason = UserCancellationReason | SystemCancellationReason;

export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer' | 'operator_error';

export type CardBrand = 'visa' | 'mastercard' | 'jcb' | 'amex' | 'diners' | 'discover' | 'unionpay';

/** What the card app reports on approval. `maskedPan` keeps at most the first 8 and last 4 digits. */
export type CardDetails = Readonly<{
  type: 'card';
  approvalNumber: string;
  slipNumber: string | null;
  maskedPan: string;
  brand: CardBrand;
}>;

/** The dynamic QR a provider made for an attempt: what the terminal shows (`expiresAt`: ISO 8601 UTC). */
export type IssuedQr = Readonly<{ codeId: string; url: string; deeplink: string; expiresAt: string }>;

/** What the QR provider reports on success: its own payment id. */
export type QrDetails = Readonly<{ type: 'qr'; providerPaymentId: string }>;

export type PaymentMethodDetails = CardDetails | QrDetails;

/**
 * A positive result reported for an attempt: money was taken (`succeeded`) or held (`authorized`,
 * which carries the deadline to capture by). Recorded on the attempt to recognise a re-report.
 */
export type PositiveOutcome =
  | Readonly<{ outcome: 'succeeded'; amount: Money; details: PaymentMethodDetails; captureBefore: null }>
  | Readonly<{ outcome: 'authorized'; amount: Money; details: PaymentMethodDetails; captureBefore: string }>;

/** Stripe's `last_payment_error`, plus the attempt it belongs to. */
export type PaymentError = Readonly<{
  type: 'card_error' | 'provider_error';
  code: string;
  declineCode: string | null;
  message: string;
  attemptId: string;
}>;

/** What must happen to money taken by an attempt the intent cannot accept (payments.md §4.5 step 6). */
export type RequiredCompensation = 'void_authorization' | 'reverse_payment';

/** How that compensation was done: a void, a provider cancel (same-day reversal), or a refund. */
export type CompensationMethod = 'authorization_voided' | 'payment_reversed' | 'payment_refunded';

/** Which compensation methods settle which requirement. */
export const compensationMethodsByRequirement = Object.freeze({
  void_authorization: ['authorization_voided'],
  reverse_payment: ['payment_reversed', 'payment_refunded'],
} as const satisfies Record<RequiredCompensation, readonly CompensationMethod[]>);
