/**
 * The PayPay adapter (payments.md §4.1): Dynamic QR (MPM) over the Open Payment API, each answer
 * mapped to the port's closed outcomes. COMPLETED and REFUNDED → succeeded; AUTHORIZED → authorized;
 * CREATED → pending; FAILED / CANCELED / EXPIRED → failed; DYNAMIC_QR_PAYMENT_NOT_FOUND → not_found;
 * timeouts, 5xx and unreadable answers → unknown; other 4xx → rejected with PayPay's code.
 */
import type { CancelOutcome, CreateQrOutcome, MpmQrProvider, PaymentStatus, RefundOutcome, RefundStatus, Unknown } from '../../../../domain/providers/index.js';
import { Money } from '../../../../domain/shared/index.js';
import { paymentDetailsSchema, qrCodeDataSchema, refundDataSchema } from '../../../../schemas/providers/paypay.js';
import { z } from 'zod';
import { callPaypay, type PaypayAnswer, type PaypayTransport } from './paypayClient.js';

const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
const iso = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString();
const yen = (amount: number) => Money.of(amount, 'JPY');
const isUnknown = <T>(answer: PaypayAnswer<T> | Unknown): answer is Unknown => 'outcome' in answer;
const ok = (answer: PaypayAnswer<unknown>): boolean => answer.status >= 200 && answer.status < 300;
const rejected = (answer: PaypayAnswer<unknown>) => ({ outcome: 'rejected', code: answer.code, message: answer.message }) as const;
const anything = z.unknown();

/** Authorization expiry asked for pre-auth QRs: 7 days (PayPay's maximum hold is longer). */
const AUTHORIZATION_DAYS = 7;

function paymentStatus(answer: PaypayAnswer<z.infer<typeof paymentDetailsSchema>> | Unknown): PaymentStatus {
  if (isUnknown(answer)) return answer;
  if (answer.code === 'DYNAMIC_QR_PAYMENT_NOT_FOUND' || answer.status === 404) return { outcome: 'not_found' };
  const data = answer.data;
  if (!ok(answer) || data === null) return { outcome: 'unknown', reason: 'unparsable', detail: `get payment: ${answer.status} ${answer.code}` };
  const providerPaymentId = data.paymentId ?? '';
  switch (data.status) {
    case 'COMPLETED':
    case 'REFUNDED':
      return { outcome: 'succeeded', amount: yen(data.amount.amount), providerPaymentId, paidAt: iso(data.acceptedAt) };
    case 'AUTHORIZED':
    case 'REAUTHORIZING':
      return { outcome: 'authorized', amount: yen(data.amount.amount), providerPaymentId, captureBefore: iso(data.expiresAt ?? data.acceptedAt + AUTHORIZATION_DAYS * 86_400) };
    case 'CREATED':
      return { outcome: 'pending' };
    case 'FAILED':
    case 'CANCELED':
    case 'EXPIRED':
      return { outcome: 'failed', code: data.status, message: `PayPay payment ${data.status}` };
  }
}

function cancelOutcome(answer: PaypayAnswer<unknown> | Unknown, notFoundIsAccepted: boolean): CancelOutcome {
  if (isUnknown(answer)) return answer;
  if (ok(answer)) return { outcome: 'accepted' };
  if (notFoundIsAccepted && (answer.status === 404 || answer.code.endsWith('NOT_FOUND'))) return { outcome: 'accepted' };
  return rejected(answer);
}

function refundOutcome(answer: PaypayAnswer<z.infer<typeof refundDataSchema>> | Unknown): RefundOutcome {
  if (isUnknown(answer)) return answer;
  if (ok(answer) && answer.data !== null && answer.data.status !== 'FAILED') return { outcome: 'accepted', providerRefundId: answer.data.merchantRefundId };
  if (ok(answer)) return { outcome: 'rejected', code: 'REFUND_FAILED', message: answer.message };
  return rejected(answer);
}

type Request<K extends keyof MpmQrProvider> = MpmQrProvider[K] extends (request: infer R, ...rest: never[]) => unknown ? R : never;

async function createQr(transport: PaypayTransport, request: Request<'createQr'>): Promise<CreateQrOutcome> {
  const manual = request.captureMethod === 'manual';
  const body = {
    merchantPaymentId: request.merchantPaymentId,
    amount: { amount: request.amount.amountMinor, currency: 'JPY' },
    codeType: 'ORDER_QR',
    orderDescription: request.orderDescription,
    storeId: request.storeId,
    terminalId: request.terminalId,
    requestedAt: seconds(request.requestedAt),
    ...(manual ? { isAuthorization: true, authorizationExpiry: seconds(request.requestedAt) + AUTHORIZATION_DAYS * 86_400 } : {}),
  };
  const answer = await callPaypay(transport, 'create_qr', { method: 'POST', path: '/v2/codes', body }, qrCodeDataSchema);
  if (isUnknown(answer)) return answer;
  if (!ok(answer)) return rejected(answer);
  if (answer.data === null) return { outcome: 'unknown', reason: 'unparsable', detail: 'create QR: no data' };
  const { codeId, url, deeplink, expiryDate } = answer.data;
  return { outcome: 'created', qr: { codeId, url, deeplink, expiresAt: iso(expiryDate) } };
}

async function refund(transport: PaypayTransport, request: Request<'refund'>): Promise<RefundOutcome> {
  const body = {
    merchantRefundId: request.merchantRefundId,
    paymentId: request.providerPaymentId,
    amount: { amount: request.amount.amountMinor, currency: 'JPY' },
    requestedAt: seconds(request.requestedAt),
    reason: request.reason.slice(0, 255),
  };
  return refundOutcome(await callPaypay(transport, 'refund', { method: 'POST', path: '/v2/refunds', body }, refundDataSchema));
}

async function getRefund(transport: PaypayTransport, merchantRefundId: string, providerPaymentId: string): Promise<RefundStatus> {
  const path = `/v2/refunds/${encodeURIComponent(merchantRefundId)}`;
  const answer = await callPaypay(transport, 'get_refund', { method: 'GET', path, query: `?paymentId=${encodeURIComponent(providerPaymentId)}` }, refundDataSchema);
  if (!isUnknown(answer) && (answer.status === 404 || answer.code.endsWith('NOT_FOUND'))) return { outcome: 'not_found' };
  return refundOutcome(answer);
}

async function capture(transport: PaypayTransport, request: Request<'capture'>): ReturnType<MpmQrProvider['capture']> {
  const body = {
    merchantPaymentId: request.merchantPaymentId,
    merchantCaptureId: request.merchantCaptureId,
    amount: { amount: request.amount.amountMinor, currency: 'JPY' },
    requestedAt: seconds(request.requestedAt),
  };
  const answer = await callPaypay(transport, 'capture', { method: 'POST', path: '/v2/payments/capture', body }, anything);
  if (isUnknown(answer)) return answer;
  return ok(answer) ? { outcome: 'captured', amount: request.amount } : rejected(answer);
}

export function createPaypayAdapter(transport: PaypayTransport): MpmQrProvider {
  return {
    provider: 'paypay',
    presentation: 'mpm',
    createQr: (request) => createQr(transport, request),
    deleteQr: async (codeId) => cancelOutcome(await callPaypay(transport, 'delete_qr', { method: 'DELETE', path: `/v2/codes/${encodeURIComponent(codeId)}` }, anything), true),
    getPayment: async (merchantPaymentId) =>
      paymentStatus(await callPaypay(transport, 'get_payment', { method: 'GET', path: `/v2/codes/payments/${encodeURIComponent(merchantPaymentId)}` }, paymentDetailsSchema)),
    cancelPayment: async (merchantPaymentId) =>
      cancelOutcome(await callPaypay(transport, 'cancel_payment', { method: 'DELETE', path: `/v2/payments/${encodeURIComponent(merchantPaymentId)}` }, anything), false),
    refund: (request) => refund(transport, request),
    getRefund: (merchantRefundId, providerPaymentId) => getRefund(transport, merchantRefundId, providerPaymentId),
    capture: (request) => capture(transport, request),
    revertAuthorization: async (merchantPaymentId, merchantRevertId) => {
      const body = { merchantPaymentId, merchantRevertId, requestedAt: Math.floor(Date.now() / 1000) };
      return cancelOutcome(await callPaypay(transport, 'revert', { method: 'POST', path: '/v2/payments/preauthorize/revert', body }, anything), false);
    },
  };
}
