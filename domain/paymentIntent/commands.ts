/**
 * The commands the PaymentIntent decider accepts. They are readonly plain data, discriminated by an
 * imperative `type`. The clock (`now`) and every generated id (`attemptId`, `refundId`) arrive IN the
 * command, as do external facts (the card app's or the provider's answer): the decider reads no clock,
 * no randomness and no I/O, so the command handler can re-run it after a version conflict.
 *
 * All instants are canonical ISO 8601 UTC with milliseconds (`2025-06-01T10:00:00.000Z`).
 */
import type { Money } from '../shared/index.js';
import type { PlacementFacts } from './placement.js';
import type { CaptureMethod, CardBrand, CompensationMethod, IssuedQr, PaymentMode, RefundReason, UserCancellationReason } from './vocabulary.js';

type CommandOf<Type extends string, Data> = Readonly<{
  type: Type;
  data: Readonly<{ paymentIntentId: string; now: string } & Data>;
}>;

export type CreatePaymentIntent = CommandOf<
  'CreatePaymentIntent',
  {
    amount: Money;
    mode: PaymentMode;
    /** The QR provider (e.g. `paypay`); required for `pgw_processed`, null otherwise. */
    provider: string | null;
    captureMethod: CaptureMethod;
    /** The caller's client partner: the store's merchant must be one of its merchants. */
    clientPartnerId: string;
    storeId: string;
    terminalId: string;
    /** Facts read from the tenancy streams; the intent's merchant is the store's. */
    placement: PlacementFacts;
    clientReferenceId: string | null;
    /** When an unpaid intent may be expired by the sweeper. */
    expiresAt: string;
  }
>;

export type CashTender = Readonly<{ type: 'cash'; tendered: Money }>;
export type ConfirmPaymentMethod = CashTender | Readonly<{ type: 'card' }> | Readonly<{ type: 'qr' }>;

/** Starts a PaymentAttempt with its own id (the provider's merchant reference). */
export type ConfirmPaymentIntent = CommandOf<
  'ConfirmPaymentIntent',
  {
    attemptId: string;
    paymentMethod: ConfirmPaymentMethod;
  }
>;

export type CardResult =
  | Readonly<{
      outcome: 'approved';
      amount: Money;
      approvalNumber: string;
      slipNumber: string | null;
      maskedPan: string;
      brand: CardBrand;
      /** Required when the intent captures manually (an auth-only approval); ignored otherwise. */
      captureBefore: string | null;
    }>
  | Readonly<{ outcome: 'declined'; declineCode: string; message: string }>
  | Readonly<{ outcome: 'unknown' }>;

/** The terminal reports what the external card app answered for an attempt. */
export type ReportCardResult = CommandOf<'ReportCardResult', { attemptId: string; result: CardResult }>;

export type ProviderResult =
  | Readonly<{ outcome: 'succeeded'; amount: Money; providerPaymentId: string }>
  | Readonly<{ outcome: 'authorized'; amount: Money; providerPaymentId: string; captureBefore: string }>
  | Readonly<{ outcome: 'failed'; code: string; message: string }>
  | Readonly<{ outcome: 'unknown' }>;

/** A reactor reports the QR provider's answer for an attempt (confirmed by the provider's query API). */
export type ReportProviderResult = CommandOf<'ReportProviderResult', { attemptId: string; result: ProviderResult }>;

/** The provider reactor records the dynamic QR the provider made for the active QR attempt. */
export type RecordQrIssued = CommandOf<'RecordQrIssued', { attemptId: string; qr: IssuedQr }>;

/** `amountToCapture: null` captures everything capturable. */
export type CapturePaymentIntent = CommandOf<'CapturePaymentIntent', { amountToCapture: Money | null }>;

export type CancelPaymentIntent = CommandOf<
  'CancelPaymentIntent',
  {
    reason: UserCancellationReason;
    /** The QR provider accepted a cancel for the attempt in flight: the only way out of `processing`. */
    providerCancelAccepted: boolean;
  }
>;

/** The sweeper's command: cancels an unpaid intent after `expiresAt`, or an authorization after `captureBefore`. */
export type ExpirePaymentIntent = Readonly<{
  type: 'ExpirePaymentIntent';
  data: Readonly<{ paymentIntentId: string; now: string }>;
}>;

export type CreateRefund = CommandOf<'CreateRefund', { refundId: string; amount: Money; reason: RefundReason }>;

export type RefundResult = Readonly<{ outcome: 'succeeded'; providerRefundId: string }> | Readonly<{ outcome: 'failed'; failureReason: string }>;

/** A reactor reports the QR provider's answer for a pending refund. */
export type ReportRefundResult = CommandOf<'ReportRefundResult', { refundId: string; result: RefundResult }>;

/** A reactor reports that the money of an attempt requiring compensation went back. */
export type RecordAttemptCompensation = CommandOf<
  'RecordAttemptCompensation',
  {
    attemptId: string;
    method: CompensationMethod;
  }
>;

export type PaymentIntentCommand =
  | CreatePaymentIntent
  | ConfirmPaymentIntent
  | ReportCardResult
  | ReportProviderResult
  | RecordQrIssued
  | CapturePaymentIntent
  | CancelPaymentIntent
  | ExpirePaymentIntent
  | CreateRefund
  | ReportRefundResult
  | RecordAttemptCompensation;
