/**
 * The PaymentIntent's state: a union on `status`, so an illegal combination (a capturable amount on
 * a canceled intent, an active attempt on a pending one) cannot be represented. Field names follow
 * Stripe's (`amountReceived`, `amountCapturable`, `lastPaymentError`, `canceledAt`,
 * `cancellationReason`); statuses follow ARCHITECTURE §5 (`pending` for Stripe's
 * requires_payment_method / requires_confirmation, `completed` for `succeeded`).
 */
import type { Money } from '../shared/index.js';
import type {
  CancellationReason,
  CaptureMethod,
  CompensationMethod,
  IssuedQr,
  PaymentError,
  PaymentMethodType,
  PaymentMode,
  PositiveOutcome,
  RefundReason,
  RequiredCompensation,
} from './vocabulary.js';

/**
 * `requires_action`, `processing` and `authorized` are open; the rest are closed. An attempt that
 * took money the intent could not accept is `compensation_required` until it is `compensated`.
 */
export type PaymentAttemptStatus = 'requires_action' | 'processing' | 'authorized' | 'succeeded' | 'failed' | 'canceled' | 'compensation_required' | 'compensated';

/** One confirm. Its id is the provider's merchant reference (PayPay `merchantPaymentId`). */
export type PaymentAttempt = Readonly<{
  attemptId: string;
  paymentMethodType: PaymentMethodType;
  status: PaymentAttemptStatus;
  amount: Money;
  startedAt: string;
  /** Cash only: what the customer handed over. */
  tendered: Money | null;
  /** QR only: the dynamic QR the provider made, once it did. */
  qr: IssuedQr | null;
  /** The positive result accepted for this attempt, kept to recognise a re-report. */
  reported: PositiveOutcome | null;
  failure: PaymentError | null;
  requiredCompensation: RequiredCompensation | null;
  compensation: CompensationMethod | null;
}>;

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export type Refund = Readonly<{
  refundId: string;
  amount: Money;
  reason: RefundReason;
  status: RefundStatus;
  requestedAt: string;
  providerRefundId: string | null;
  failureReason: string | null;
}>;

/** The single capture of an authorization: the rest of the hold was released. */
export type Capture = Readonly<{
  attemptId: string;
  amountAuthorized: Money;
  amountCaptured: Money;
  amountReleased: Money;
  capturedAt: string;
}>;

/** The fields every created intent has, whatever its status. */
export type PaymentIntentBase = Readonly<{
  paymentIntentId: string;
  amount: Money;
  mode: PaymentMode;
  provider: string | null;
  captureMethod: CaptureMethod;
  clientPartnerId: string;
  merchantId: string;
  storeId: string;
  terminalId: string;
  clientReferenceId: string | null;
  createdAt: string;
  expiresAt: string;
  attempts: readonly PaymentAttempt[];
  refunds: readonly Refund[];
  amountReceived: Money;
  /** Invariant: greater than zero exactly when the status is `requires_capture`. */
  amountCapturable: Money;
  lastPaymentError: PaymentError | null;
}>;

export type AbsentPaymentIntent = Readonly<{ status: 'absent' }>;
export type PendingPaymentIntent = PaymentIntentBase & Readonly<{ status: 'pending' }>;
export type RequiresActionPaymentIntent = PaymentIntentBase & Readonly<{ status: 'requires_action'; activeAttemptId: string }>;
/** The active attempt's outcome is unknown (payments.md §4.5: `processing` with `outcome_unknown`). */
export type ProcessingPaymentIntent = PaymentIntentBase & Readonly<{ status: 'processing'; activeAttemptId: string }>;
export type RequiresCapturePaymentIntent = PaymentIntentBase & Readonly<{ status: 'requires_capture'; authorizedAttemptId: string; captureBefore: string }>;
export type CompletedPaymentIntent = PaymentIntentBase & Readonly<{ status: 'completed'; completedAt: string; capture: Capture | null }>;
export type CanceledPaymentIntent = PaymentIntentBase & Readonly<{ status: 'canceled'; canceledAt: string; cancellationReason: CancellationReason }>;

export type PaymentIntent =
  | AbsentPaymentIntent
  | PendingPaymentIntent
  | RequiresActionPaymentIntent
  | ProcessingPaymentIntent
  | RequiresCapturePaymentIntent
  | CompletedPaymentIntent
  | CanceledPaymentIntent;

export type ExistingPaymentIntent = Exclude<PaymentIntent, AbsentPaymentIntent>;
export type PaymentIntentStatus = ExistingPaymentIntent['status'];

/** The shared fields of an intent, without the fields of its current status. */
export function baseOf(state: ExistingPaymentIntent): PaymentIntentBase {
  return {
    paymentIntentId: state.paymentIntentId,
    amount: state.amount,
    mode: state.mode,
    provider: state.provider,
    captureMethod: state.captureMethod,
    clientPartnerId: state.clientPartnerId,
    merchantId: state.merchantId,
    storeId: state.storeId,
    terminalId: state.terminalId,
    clientReferenceId: state.clientReferenceId,
    createdAt: state.createdAt,
    expiresAt: state.expiresAt,
    attempts: state.attempts,
    refunds: state.refunds,
    amountReceived: state.amountReceived,
    amountCapturable: state.amountCapturable,
    lastPaymentError: state.lastPaymentError,
  };
}

export function findAttempt(state: ExistingPaymentIntent, attemptId: string): PaymentAttempt | undefined {
  return state.attempts.find((attempt) => attempt.attemptId === attemptId);
}

export function findRefund(state: ExistingPaymentIntent, refundId: string): Refund | undefined {
  return state.refunds.find((refund) => refund.refundId === refundId);
}
