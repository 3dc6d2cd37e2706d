/**
 * The sandbox's own record of payments, as a provider keeps it (payments.md §4.1): one payment per
 * `merchantPaymentId`, its status (CREATED → COMPLETED | AUTHORIZED → …), the QR's expiry, refunds by
 * `merchantRefundId`, captures by `merchantCaptureId`, and what the customer was charged and given
 * back. Every transition answers a PayPay result (HTTP status, code, data); nothing here knows the
 * ledger. Instants are epoch seconds, amounts integer yen.
 */
import { randomInt } from 'node:crypto';

export type PaypayStatus = 'CREATED' | 'AUTHORIZED' | 'COMPLETED' | 'REFUNDED' | 'FAILED' | 'CANCELED' | 'EXPIRED';

export type SandboxRefund = { merchantRefundId: string; amount: number; status: 'CREATED' | 'REFUNDED'; acceptedAt: number; settlesAt: number | null };

export type SandboxPayment = {
  merchantPaymentId: string;
  merchantId: string;
  codeId: string;
  amount: number;
  isAuthorization: boolean;
  authorizationExpiry: number | null;
  status: PaypayStatus;
  qrExpiresAt: number;
  qrDeleted: boolean;
  storeId: string | undefined;
  terminalId: string | undefined;
  paymentId: string | null;
  acceptedAt: number;
  /** Set by a merchant cancel or revert: the provider guarantees the money goes back. */
  canceledByMerchant: boolean;
  amountPaid: number;
  amountReverted: number;
  refunds: Map<string, SandboxRefund>;
  captures: Map<string, number>;
};

export type Outcome = Readonly<{ status: number; code: string; message: string; data?: unknown }>;

export const success = (data?: unknown, status = 200): Outcome => ({ status, code: 'SUCCESS', message: 'Success', ...(data === undefined ? {} : { data }) });
export const failure = (status: number, code: string, message: string): Outcome => ({ status, code, message });

const JST_OFFSET_S = 9 * 3_600;

/** PayPay's cancel window: until 00:14:59 JST on the day after the payment. */
export function cancelWindowEnd(acceptedAt: number): number {
  const jstDayStart = Math.floor((acceptedAt + JST_OFFSET_S) / 86_400) * 86_400 - JST_OFFSET_S;
  return jstDayStart + 86_400 + 14 * 60 + 59;
}

export const refundedAmount = (payment: SandboxPayment): number => [...payment.refunds.values()].reduce((sum, refund) => sum + refund.amount, 0);

export function paymentData(payment: SandboxPayment): Record<string, unknown> {
  return {
    paymentId: payment.paymentId ?? undefined,
    status: payment.status,
    acceptedAt: payment.acceptedAt,
    merchantPaymentId: payment.merchantPaymentId,
    // What was paid once the customer paid (a wallet can settle another amount than asked: the merchant must check).
    amount: { amount: payment.acceptedAt > 0 ? payment.amountPaid : payment.amount, currency: 'JPY' },
    requestedAt: payment.acceptedAt,
    storeId: payment.storeId,
    terminalId: payment.terminalId,
    ...(payment.isAuthorization && payment.authorizationExpiry !== null ? { expiresAt: payment.authorizationExpiry } : {}),
    refunds: {
      data: [...payment.refunds.values()].map((refund) => ({
        status: refund.status,
        acceptedAt: refund.acceptedAt,
        merchantRefundId: refund.merchantRefundId,
        paymentId: payment.paymentId,
        amount: { amount: refund.amount, currency: 'JPY' },
      })),
    },
    captures: { data: [...payment.captures.entries()].map(([merchantCaptureId, amount]) => ({ merchantCaptureId, amount: { amount, currency: 'JPY' } })) },
  };
}

export const refundData = (payment: SandboxPayment, refund: SandboxRefund): Record<string, unknown> => ({
  status: refund.status,
  acceptedAt: refund.acceptedAt,
  merchantRefundId: refund.merchantRefundId,
  paymentId: payment.paymentId,
  amount: { amount: refund.amount, currency: 'JPY' },
});

const digits = (count: number): string => Array.from({ length: count }, () => String(randomInt(10))).join('');

/** The customer pays a CREATED payment (an authorization holds the money, an instant payment takes it). */
export function pay(payment: SandboxPayment, nowS: number, amount: number): void {
  payment.paymentId = digits(19);
  payment.acceptedAt = nowS;
  payment.amountPaid = amount;
  payment.status = payment.isAuthorization ? 'AUTHORIZED' : 'COMPLETED';
}

/** DELETE /v2/payments/:id — a merchant cancel: accepted (202) while the window is open; the money goes back. */
export function cancel(payment: SandboxPayment, nowS: number): Outcome {
  if (payment.canceledByMerchant) return success(undefined, 202);
  if (payment.status === 'REFUNDED' || payment.status === 'EXPIRED') return failure(400, 'ORDER_NOT_REVERSIBLE', `Payment is ${payment.status}.`);
  if (payment.acceptedAt > 0 && nowS > cancelWindowEnd(payment.acceptedAt)) return failure(400, 'ORDER_NOT_REVERSIBLE', 'The cancel window has closed: refund instead.');
  if (payment.status === 'COMPLETED' || payment.status === 'AUTHORIZED') payment.amountReverted = payment.amountPaid - refundedAmount(payment);
  payment.qrDeleted = true;
  payment.canceledByMerchant = true;
  if (payment.status !== 'CANCELED') payment.status = 'FAILED';
  return { status: 202, code: 'REQUEST_ACCEPTED', message: 'Request accepted' };
}

/** POST /v2/refunds on a completed payment; the same `merchantRefundId` answers the previous result. */
export function refund(payment: SandboxPayment, merchantRefundId: string, amount: number, nowS: number, settlesAt: number | null): Outcome {
  const previous = payment.refunds.get(merchantRefundId);
  if (previous !== undefined) return success(refundData(payment, previous), 201);
  if (payment.status !== 'COMPLETED' && payment.status !== 'REFUNDED')
    return failure(400, 'INVALID_REQUEST_PARAMS', `Payment is ${payment.status}; only a completed payment can be refunded.`);
  if (payment.canceledByMerchant) return failure(400, 'ORDER_NOT_REVERSIBLE', 'The payment was canceled.');
  if (amount <= 0 || refundedAmount(payment) + amount > payment.amountPaid) return failure(400, 'REFUND_LIMIT_EXCEEDED', 'The refunds would exceed the payment.');
  const created: SandboxRefund = { merchantRefundId, amount, status: 'CREATED', acceptedAt: nowS, settlesAt };
  payment.refunds.set(merchantRefundId, created);
  payment.status = 'REFUNDED';
  return success(refundData(payment, created), 201);
}

/** POST /v2/payments/capture: takes (part of) an authorization; the rest is released (the customer is charged the captured amount only). */
export function capture(payment: SandboxPayment, merchantCaptureId: string, amount: number): Outcome {
  const previous = payment.captures.get(merchantCaptureId);
  if (previous !== undefined) return success(paymentData(payment));
  if (payment.status === 'COMPLETED' || payment.status === 'REFUNDED') return failure(400, 'ALREADY_CAPTURED', 'The authorization was already captured.');
  if (payment.status === 'EXPIRED') return failure(400, 'ORDER_EXPIRED', 'The authorization expired.');
  if (payment.status !== 'AUTHORIZED') return failure(400, 'ORDER_NOT_AVAILABLE', `Payment is ${payment.status}.`);
  if (amount > payment.amountPaid) return { status: 202, code: 'USER_CONFIRMATION_REQUIRED', message: 'The customer must approve a capture above the authorization.' };
  payment.captures.set(merchantCaptureId, amount);
  payment.amountPaid = amount;
  payment.status = 'COMPLETED';
  return success(paymentData(payment));
}

/** POST /v2/payments/preauthorize/revert: gives a whole authorization back. */
export function revert(payment: SandboxPayment): Outcome {
  if (payment.status === 'CANCELED') return success(undefined);
  if (payment.status !== 'AUTHORIZED') return failure(400, 'ORDER_NOT_REVERSIBLE', `Payment is ${payment.status}.`);
  payment.amountReverted = payment.amountPaid;
  payment.canceledByMerchant = true;
  payment.status = 'CANCELED';
  return success({ status: 'CANCELED', merchantPaymentId: payment.merchantPaymentId });
}

/** Refunds whose settle time has come move from CREATED to REFUNDED (PayPay's batch). */
export function settleRefunds(payment: SandboxPayment, nowS: number): void {
  for (const pending of payment.refunds.values()) if (pending.status === 'CREATED' && pending.settlesAt !== null && pending.settlesAt <= nowS) pending.status = 'REFUNDED';
}

export function newPayment(
  fields: Pick<SandboxPayment, 'merchantPaymentId' | 'merchantId' | 'amount' | 'isAuthorization' | 'authorizationExpiry' | 'qrExpiresAt' | 'storeId' | 'terminalId'>,
): SandboxPayment {
  return {
    ...fields,
    codeId: `04-${digits(16)}`,
    status: 'CREATED',
    qrDeleted: false,
    paymentId: null,
    acceptedAt: 0,
    canceledByMerchant: false,
    amountPaid: 0,
    amountReverted: 0,
    refunds: new Map(),
    captures: new Map(),
  };
}
