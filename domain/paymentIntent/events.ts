/**
 * The facts of one PaymentIntent stream. Each event is readonly plain data, discriminated by a
 * stable past-tense `type` that is never renamed. Every event carries the `PaymentIntentContext`
 * (intent id, mode, provider, tenancy ids, `occurredAt`), and its amounts as `Money`, so a projector
 * can build a read model or a ledger posting from the event alone, without folding the stream.
 *
 * Refunds live in the intent's stream so `Σ refunds ≤ received` is decided atomically (ARCHITECTURE §5).
 */
import type { Money } from '../shared/index.js';
import type {
  CancellationReason,
  CaptureMethod,
  CompensationMethod,
  PaymentError,
  PaymentMethodDetails,
  PaymentMethodType,
  PaymentMode,
  IssuedQr,
  PositiveOutcome,
  RefundReason,
  RequiredCompensation,
  SystemCancellationReason,
  UserCancellationReason,
} from './vocabulary.js';

export type PaymentIntentContext = Readonly<{
  paymentIntentId: string;
  mode: PaymentMode;
  provider: string | null;
  clientPartnerId: string;
  merchantId: string;
  storeId: string;
  terminalId: string;
  occurredAt: string;
}>;

type PaymentIntentEventOf<Type extends string, Data> = Readonly<{
  type: Type;
  data: Readonly<PaymentIntentContext & Data>;
}>;

export type PaymentIntentCreated = PaymentIntentEventOf<
  'PaymentIntentCreated',
  {
    amount: Money;
    captureMethod: CaptureMethod;
    clientReferenceId: string | null;
    expiresAt: string;
  }
>;

/** A card or QR attempt began; the intent waits in `requires_action` for its result. */
export type PaymentAttemptStarted = PaymentIntentEventOf<
  'PaymentAttemptStarted',
  {
    attemptId: string;
    amount: Money;
    paymentMethodType: Exclude<PaymentMethodType, 'cash'>;
    nextAction: 'launch_external_card_app' | 'display_qr';
  }
>;

/** The provider made the attempt's dynamic QR: the terminal shows it (`next_action.display_qr.qr`). */
export type PaymentAttemptQrIssued = PaymentIntentEventOf<'PaymentAttemptQrIssued', { attemptId: string; amount: Money; qr: IssuedQr }>;

/** Cash was counted at the till: the intent completes at once. `change = tendered − amount`. */
export type CashPaymentReceived = PaymentIntentEventOf<
  'CashPaymentReceived',
  {
    attemptId: string;
    amount: Money;
    tendered: Money;
    change: Money;
  }
>;

/** The active attempt took the money: the intent completes with `amountReceived = amount`. */
export type PaymentAttemptSucceeded = PaymentIntentEventOf<
  'PaymentAttemptSucceeded',
  {
    attemptId: string;
    amount: Money;
    details: PaymentMethodDetails;
  }
>;

/** The active attempt put a hold on the money: the intent waits in `requires_capture`. */
export type PaymentAttemptAuthorized = PaymentIntentEventOf<
  'PaymentAttemptAuthorized',
  {
    attemptId: string;
    amountAuthorized: Money;
    captureBefore: string;
    details: PaymentMethodDetails;
  }
>;

/** The active attempt was declined or failed: the intent returns to `pending` with the error. */
export type PaymentAttemptFailed = PaymentIntentEventOf<
  'PaymentAttemptFailed',
  {
    attemptId: string;
    amount: Money;
    error: PaymentError;
  }
>;

/** The active attempt's outcome is unknown (a timeout): the intent waits in `processing`. */
export type PaymentAttemptOutcomeUnknown = PaymentIntentEventOf<
  'PaymentAttemptOutcomeUnknown',
  {
    attemptId: string;
    amount: Money;
  }
>;

/**
 * The active attempt reported a positive result for another amount than the intent's. The money it
 * took must be given back (payments.md §4.5 step 7); the intent returns to `pending`.
 */
export type PaymentAttemptAmountMismatched = PaymentIntentEventOf<
  'PaymentAttemptAmountMismatched',
  {
    attemptId: string;
    amountExpected: Money;
    reported: PositiveOutcome;
    error: PaymentError;
    requiredCompensation: RequiredCompensation;
  }
>;

/** A positive result arrived for an attempt the cancel had closed: compensate, never reopen. */
export type PaymentAttemptSucceededAfterCancel = PaymentIntentEventOf<
  'PaymentAttemptSucceededAfterCancel',
  {
    attemptId: string;
    reported: PositiveOutcome;
    requiredCompensation: RequiredCompensation;
  }
>;

/** A positive result arrived for an attempt already recorded as failed: compensate, never reopen. */
export type PaymentAttemptSucceededAfterFailure = PaymentIntentEventOf<
  'PaymentAttemptSucceededAfterFailure',
  {
    attemptId: string;
    reported: PositiveOutcome;
    requiredCompensation: RequiredCompensation;
  }
>;

/** The money of an attempt that required compensation went back (void, reversal or refund). */
export type PaymentAttemptCompensated = PaymentIntentEventOf<
  'PaymentAttemptCompensated',
  {
    attemptId: string;
    amount: Money;
    method: CompensationMethod;
  }
>;

/** A capture posted part or all of the hold; `amountReleased` went back to the customer. */
export type PaymentIntentCaptured = PaymentIntentEventOf<
  'PaymentIntentCaptured',
  {
    attemptId: string;
    amountAuthorized: Money;
    amountCaptured: Money;
    amountReleased: Money;
  }
>;

type ClosingData<Reason extends CancellationReason> = {
  amount: Money;
  cancellationReason: Reason;
  statusBefore: 'pending' | 'requires_action' | 'processing' | 'requires_capture';
  /** The attempt the cancel closed (an open one, or the authorized one), if any. */
  attemptId: string | null;
  /** The authorization that was voided, or zero. */
  amountReleased: Money;
};

export type PaymentIntentCanceled = PaymentIntentEventOf<'PaymentIntentCanceled', ClosingData<UserCancellationReason>>;
export type PaymentIntentExpired = PaymentIntentEventOf<'PaymentIntentExpired', ClosingData<SystemCancellationReason>>;

export type RefundRequested = PaymentIntentEventOf<
  'RefundRequested',
  {
    refundId: string;
    amount: Money;
    reason: RefundReason;
    /** Refunds go to the original payment method only. */
    paymentMethodType: PaymentMethodType;
  }
>;

export type RefundSucceeded = PaymentIntentEventOf<
  'RefundSucceeded',
  {
    refundId: string;
    amount: Money;
    providerRefundId: string | null;
  }
>;

export type RefundFailed = PaymentIntentEventOf<
  'RefundFailed',
  {
    refundId: string;
    amount: Money;
    failureReason: string;
  }
>;

export type PaymentIntentEvent =
  | PaymentIntentCreated
  | PaymentAttemptStarted
  | PaymentAttemptQrIssued
  | CashPaymentReceived
  | PaymentAttemptSucceeded
  | PaymentAttemptAuthorized
  | PaymentAttemptFailed
  | PaymentAttemptOutcomeUnknown
  | PaymentAttemptAmountMismatched
  | PaymentAttemptSucceededAfterCancel
  | PaymentAttemptSucceededAfterFailure
  | PaymentAttemptCompensated
  | PaymentIntentCaptured
  | PaymentIntentCanceled
  | PaymentIntentExpired
  | RefundRequested
  | RefundSucceeded
  | RefundFailed;

export type PaymentIntentEventType = PaymentIntentEvent['type'];

/** Every stored event type, for subscription filters and schema registries (kept complete by the compiler). */
export const paymentIntentEventTypes = Object.freeze(
  Object.keys({
    PaymentIntentCreated: true,
    PaymentAttemptStarted: true,
    PaymentAttemptQrIssued: true,
    CashPaymentReceived: true,
    PaymentAttemptSucceeded: true,
    PaymentAttemptAuthorized: true,
    PaymentAttemptFailed: true,
    PaymentAttemptOutcomeUnknown: true,
    PaymentAttemptAmountMismatched: true,
    PaymentAttemptSucceededAfterCancel: true,
    PaymentAttemptSucceededAfterFailure: true,
    PaymentAttemptCompensated: true,
    PaymentIntentCaptured: true,
    PaymentIntentCanceled: true,
    PaymentIntentExpired: true,
    RefundRequested: true,
    RefundSucceeded: true,
    RefundFailed: true,
  } satisfies Record<PaymentIntentEventType, true>) as PaymentIntentEventType[],
);
