/**
 * The port to QR payment providers (payments.md §4). An adapter (infra/adapters/providers) speaks one
 * provider's wire format and answers every call with one of a small closed set of outcomes; the
 * reactors decide from outcomes only, never from a provider's payload.
 *
 * Two shapes share the port: `mpm` (merchant-presented: the terminal shows a dynamic QR the customer
 * scans, the result arrives later — PayPay Dynamic QR) and `cpm` (customer-presented: the terminal
 * scans the customer's code and the provider answers synchronously — LINE Pay Offline style).
 *
 * References: `merchantPaymentId` is the attempt id (persisted before any call, never reused for a
 * second create); `merchantRefundId` is the refund id; capture and revert ids are derived by the caller.
 * Instants are ISO 8601 UTC strings. Amounts are integer minor units with their currency.
 */
import type { Money } from '../shared/index.js';

/** Why an answer could not be read as a decision: the operation may or may not have happened. */
export type UnknownReason = 'timeout' | 'server_error' | 'network' | 'unparsable';

/** The call's effect is unknown: the caller must query (payments.md §4.5 step 3), never repeat a create. */
export type Unknown = Readonly<{ outcome: 'unknown'; reason: UnknownReason; detail: string }>;

/** The provider refused definitively, with its own code (e.g. `ORDER_NOT_REVERSIBLE`). */
export type Rejected = Readonly<{ outcome: 'rejected'; code: string; message: string }>;

export type QrCode = Readonly<{ codeId: string; url: string; deeplink: string; expiresAt: string }>;

export type CreateQrRequest = Readonly<{
  merchantPaymentId: string;
  amount: Money;
  /** `manual` asks for a pre-authorization (PayPay `isAuthorization`). */
  captureMethod: 'automatic' | 'manual';
  orderDescription: string;
  storeId: string;
  terminalId: string;
  requestedAt: string;
}>;

export type CreateQrOutcome = Readonly<{ outcome: 'created'; qr: QrCode }> | Rejected | Unknown;

/** A payment as the provider's query API reports it, mapped to what the ledger can decide from. */
export type PaymentStatus =
  | Readonly<{ outcome: 'succeeded'; amount: Money; providerPaymentId: string; paidAt: string }>
  | Readonly<{ outcome: 'authorized'; amount: Money; providerPaymentId: string; captureBefore: string }>
  /** Not paid yet (PayPay `CREATED`, also after the QR expired: `acceptedAt` 0). */
  | Readonly<{ outcome: 'pending' }>
  /** The payment failed, was canceled or its authorization expired (PayPay `FAILED`, `CANCELED`, `EXPIRED`). */
  | Readonly<{ outcome: 'failed'; code: string; message: string }>
  /** No QR and no payment with this reference (PayPay `DYNAMIC_QR_PAYMENT_NOT_FOUND`). */
  | Readonly<{ outcome: 'not_found' }>
  | Unknown;

/** A provider cancel (same-day reversal): `accepted` means the provider guarantees the money goes back. */
export type CancelOutcome = Readonly<{ outcome: 'accepted' }> | Rejected | Unknown;

export type RefundRequest = Readonly<{
  merchantRefundId: string;
  merchantPaymentId: string;
  providerPaymentId: string;
  amount: Money;
  reason: string;
  requestedAt: string;
}>;

/** `accepted` covers PayPay `CREATED` and `REFUNDED` alike (both count as success, §4.1). */
export type RefundOutcome = Readonly<{ outcome: 'accepted'; providerRefundId: string }> | Rejected | Unknown;

export type RefundStatus = Readonly<{ outcome: 'accepted'; providerRefundId: string }> | Readonly<{ outcome: 'not_found' }> | Rejected | Unknown;

export type CaptureRequest = Readonly<{
  merchantPaymentId: string;
  /** A fresh id per try (PayPay: retry a timed-out capture with a different `merchantCaptureId`). */
  merchantCaptureId: string;
  amount: Money;
  requestedAt: string;
}>;

export type CaptureOutcome = Readonly<{ outcome: 'captured'; amount: Money }> | Rejected | Unknown;

export type CustomerCodePayment = Readonly<{
  merchantPaymentId: string;
  /** The code the terminal scanned from the customer's app (a one-time key, valid minutes). */
  customerCode: string;
  amount: Money;
  captureMethod: 'automatic' | 'manual';
  orderDescription: string;
  storeId: string;
  terminalId: string;
}>;

/** The calls every provider has. */
export type QrProviderCommon = Readonly<{
  /** The provider code (`paypay`, …) this adapter speaks for. */
  provider: string;
  getPayment: (merchantPaymentId: string) => Promise<PaymentStatus>;
  cancelPayment: (merchantPaymentId: string) => Promise<CancelOutcome>;
  refund: (request: RefundRequest) => Promise<RefundOutcome>;
  getRefund: (merchantRefundId: string, providerPaymentId: string) => Promise<RefundStatus>;
  capture: (request: CaptureRequest) => Promise<CaptureOutcome>;
  /** Releases a pre-authorization (PayPay "revert"). */
  revertAuthorization: (merchantPaymentId: string, merchantRevertId: string) => Promise<CancelOutcome>;
}>;

export type MpmQrProvider = QrProviderCommon &
  Readonly<{
    presentation: 'mpm';
    createQr: (request: CreateQrRequest) => Promise<CreateQrOutcome>;
    /** Removes a QR nobody paid (not found counts as accepted). */
    deleteQr: (codeId: string) => Promise<CancelOutcome>;
  }>;

export type CpmQrProvider = QrProviderCommon &
  Readonly<{
    presentation: 'cpm';
    /** Synchronous: the answer is the payment's status (or unknown on a read timeout: query it). */
    payWithCustomerCode: (request: CustomerCodePayment) => Promise<PaymentStatus>;
  }>;

export type QrProvider = MpmQrProvider | CpmQrProvider;

/** Why no provider can be used for a store: not configured, disabled, or its credentials do not open. */
export type ProviderUnavailable = Readonly<{ available: false; reason: 'not_configured' | 'disabled' | 'credentials_unreadable' | 'unsupported_provider'; detail: string }>;

/**
 * The adapters by provider, fed by each store's StoreProviderConfig (credentials are decrypted only
 * inside the registry's adapter, never handed out).
 */
export type QrProviderRegistry = Readonly<{
  forStore: (storeId: string, provider: string) => Promise<Readonly<{ available: true; provider: QrProvider }> | ProviderUnavailable>;
}>;
