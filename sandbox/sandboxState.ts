/**
 * Everything one sandbox process holds: registered credentials (API key → secret and merchant),
 * payments by `merchantPaymentId` (and by QR `codeId`), the fault book and the webhook sender, and
 * its clock (epoch seconds; the real one). In memory: a restart forgets everything, like a fresh
 * provider sandbox account.
 */
import type { FaultBook } from './faults.js';
import { settleRefunds, type SandboxPayment } from './payments.js';
import type { WebhookSender } from './webhooks.js';

export type SandboxCredential = Readonly<{ apiSecret: string; merchantId: string }>;

export type SandboxSettings = Readonly<{
  /** How long a dynamic QR can be paid (PayPay's `expiryDate`). */
  qrTtlSeconds: number;
  /** After how long an accepted refund (CREATED) becomes REFUNDED. */
  refundSettleSeconds: number;
  /** How long a `timeout` or `lost_answer` fault holds the request before dropping the connection. */
  holdMs: number;
  /** The base of the QR URLs handed out. */
  publicUrl: string;
}>;

export type SandboxState = Readonly<{
  settings: SandboxSettings;
  credentials: Map<string, SandboxCredential>;
  payments: Map<string, SandboxPayment>;
  codes: Map<string, string>;
  /** Authenticated API calls per `merchantPaymentId` and operation (tests check, e.g., that a create was never repeated). */
  calls: Map<string, Record<string, number>>;
  faults: FaultBook;
  webhooks: WebhookSender;
  nowS: () => number;
}>;

/** The payment as it is now: due refunds settled, an authorization past its expiry EXPIRED (with its webhook). */
export function currentPayment(state: SandboxState, merchantPaymentId: string): SandboxPayment | undefined {
  const payment = state.payments.get(merchantPaymentId);
  if (payment === undefined) return undefined;
  const now = state.nowS();
  settleRefunds(payment, now);
  if (payment.status === 'AUTHORIZED' && payment.authorizationExpiry !== null && now > payment.authorizationExpiry) {
    payment.status = 'EXPIRED';
    payment.amountReverted = payment.amountPaid;
    state.webhooks.notify(payment);
  }
  return payment;
}

/** The provider-side truth the simulation and tests compare the ledger with. */
export function countCall(state: SandboxState, merchantPaymentId: string | undefined, operation: string): void {
  if (merchantPaymentId === undefined) return;
  const calls = state.calls.get(merchantPaymentId) ?? {};
  calls[operation] = (calls[operation] ?? 0) + 1;
  state.calls.set(merchantPaymentId, calls);
}

export function paymentView(payment: SandboxPayment, calls: Readonly<Record<string, number>> = {}): Record<string, unknown> {
  const refunded = [...payment.refunds.values()].reduce((sum, refund) => sum + refund.amount, 0);
  return {
    merchantPaymentId: payment.merchantPaymentId,
    codeId: payment.codeId,
    status: payment.status,
    amount: payment.amount,
    paymentId: payment.paymentId,
    isAuthorization: payment.isAuthorization,
    qrExpiresAt: new Date(payment.qrExpiresAt * 1000).toISOString(),
    qrDeleted: payment.qrDeleted,
    canceledByMerchant: payment.canceledByMerchant,
    amountPaid: payment.amountPaid,
    amountRefunded: refunded,
    amountReverted: payment.amountReverted,
    refunds: [...payment.refunds.values()].map(({ merchantRefundId, amount, status }) => ({ merchantRefundId, amount, status })),
    captures: [...payment.captures.entries()].map(([merchantCaptureId, amount]) => ({ merchantCaptureId, amount })),
    calls,
  };
}
