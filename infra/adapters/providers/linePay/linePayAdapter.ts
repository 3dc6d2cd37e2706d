/**
 * A CPM adapter in the style of LINE Pay's Offline API v2 (payments.md §4.2; LINE Pay Japan itself
 * closed in 2025, the API shape is the template for customer-presented-code providers): the terminal
 * scans the customer's one-time key and `payWithCustomerCode` pays synchronously, with a read
 * timeout of at least 40 s; on a timeout the answer is `unknown` and the status is checked by the
 * order id (the attempt id). The paid total (`payInfo`) is reported as the amount, so the domain
 * compares it with the amount asked. Channel credentials go in `X-LINE-ChannelId` /
 * `X-LINE-ChannelSecret`, the device in `X-LINE-MerchantDeviceType` / `…ProfileId`.
 *
 * Result codes: 0000 success; 1150 / 1165 (no such order) → not found; 1155 / 1169 / 1172 / 1179
 * (customer or key refused) → failed; other codes → rejected; 5xx, timeouts and unreadable answers → unknown.
 */
import type { z } from 'zod';
import type { CancelOutcome, CpmQrProvider, PaymentStatus, Rejected, Unknown } from '../../../../domain/providers/index.js';
import { Money } from '../../../../domain/shared/index.js';
import { LINE_PAY_SUCCESS, linePayEnvelopeSchema, linePayPaymentInfoSchema, linePayRefundInfoSchema } from '../../../../schemas/providers/linePay.js';

export const linePayOperations = ['pay', 'check', 'void', 'capture', 'refund'] as const;
export type LinePayOperation = (typeof linePayOperations)[number];

/** "Set the read timeout to at least 40 seconds" for a payment; 20 s for the rest. */
export const LINE_PAY_TIMEOUTS_MS: Readonly<Record<LinePayOperation, number>> = { pay: 40_000, check: 20_000, void: 20_000, capture: 40_000, refund: 20_000 };

export type LinePayTransport = Readonly<{
  baseUrl: string;
  channelId: string;
  channelSecret: string;
  timeoutsMs: Readonly<Record<LinePayOperation, number>>;
}>;

type Answer<Info> = Readonly<{ code: string; message: string; info: Info | null }>;

const NOT_FOUND_CODES = new Set(['1150', '1165']);
const CUSTOMER_REFUSED_CODES = new Set(['1155', '1169', '1172', '1179']);

async function callLinePay<Info extends z.ZodType>(
  transport: LinePayTransport,
  operation: LinePayOperation,
  request: Readonly<{ method: 'GET' | 'POST'; path: string; body?: unknown; deviceId?: string }>,
  info: Info,
): Promise<Answer<z.infer<Info>> | Unknown> {
  const headers: Record<string, string> = {
    'x-line-channelid': transport.channelId,
    'x-line-channelsecret': transport.channelSecret,
    'x-line-merchantdevicetype': 'POS',
    ...(request.deviceId === undefined ? {} : { 'x-line-merchantdeviceprofileid': request.deviceId }),
    ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  let text: string;
  let status: number;
  try {
    const response = await fetch(`${transport.baseUrl}${request.path}`, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(transport.timeoutsMs[operation]),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { outcome: 'unknown', reason: timedOut ? 'timeout' : 'network', detail: `${operation}: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (status >= 500) return { outcome: 'unknown', reason: 'server_error', detail: `${operation}: HTTP ${status}` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = linePayEnvelopeSchema(info).safeParse(json);
  if (!parsed.success) return { outcome: 'unknown', reason: 'unparsable', detail: `${operation}: HTTP ${status}, unreadable answer` };
  return { code: parsed.data.returnCode, message: parsed.data.returnMessage, info: (parsed.data.info ?? null) as z.infer<Info> | null };
}

const isUnknown = <T>(answer: Answer<T> | Unknown): answer is Unknown => 'outcome' in answer;
const rejected = (answer: Answer<unknown>): Rejected => ({ outcome: 'rejected', code: answer.code, message: answer.message });
const order = (merchantPaymentId: string): string => `/v2/payments/orders/${encodeURIComponent(merchantPaymentId)}`;

function statusOf(answer: Answer<z.infer<typeof linePayPaymentInfoSchema>> | Unknown): PaymentStatus {
  if (isUnknown(answer)) return answer;
  if (NOT_FOUND_CODES.has(answer.code)) return { outcome: 'not_found' };
  if (CUSTOMER_REFUSED_CODES.has(answer.code)) return { outcome: 'failed', code: `LINE_PAY_${answer.code}`, message: answer.message };
  if (answer.code !== LINE_PAY_SUCCESS || answer.info === null) return { outcome: 'failed', code: `LINE_PAY_${answer.code}`, message: answer.message };
  const info = answer.info;
  const paid = Money.of(
    info.payInfo.reduce((sum, part) => sum + part.amount, 0),
    'JPY',
  );
  switch (info.status) {
    case 'COMPLETE':
    case 'REFUNDED':
      return { outcome: 'succeeded', amount: paid, providerPaymentId: info.transactionId, paidAt: info.transactionDate };
    case 'AUTHORIZATION':
      return { outcome: 'authorized', amount: paid, providerPaymentId: info.transactionId, captureBefore: info.authorizationExpireDate ?? info.transactionDate };
    case 'VOIDED_AUTHORIZATION':
    case 'FAIL':
      return { outcome: 'failed', code: info.status, message: `LINE Pay payment ${info.status}` };
  }
}

function acceptedOrRejected(answer: Answer<unknown> | Unknown): CancelOutcome {
  if (isUnknown(answer)) return answer;
  return answer.code === LINE_PAY_SUCCESS ? { outcome: 'accepted' } : rejected(answer);
}

export function createLinePayAdapter(transport: LinePayTransport): CpmQrProvider {
  const refund = async (merchantPaymentId: string, amountMinor: number) =>
    callLinePay(transport, 'refund', { method: 'POST', path: `${order(merchantPaymentId)}/refund`, body: { refundAmount: amountMinor } }, linePayRefundInfoSchema);
  return {
    provider: 'line_pay',
    presentation: 'cpm',
    payWithCustomerCode: async (request) => {
      const body = {
        amount: request.amount.amountMinor,
        currency: 'JPY',
        orderId: request.merchantPaymentId,
        productName: request.orderDescription,
        oneTimeKey: request.customerCode,
        capture: request.captureMethod === 'automatic',
      };
      return statusOf(await callLinePay(transport, 'pay', { method: 'POST', path: '/v2/payments/oneTimeKeys/pay', body, deviceId: request.terminalId }, linePayPaymentInfoSchema));
    },
    getPayment: async (merchantPaymentId) =>
      statusOf(await callLinePay(transport, 'check', { method: 'GET', path: `${order(merchantPaymentId)}/check` }, linePayPaymentInfoSchema)),
    // A CPM payment has no same-day cancel: a void for an authorization, a full refund otherwise.
    cancelPayment: async (merchantPaymentId) => {
      const voided = await callLinePay(transport, 'void', { method: 'POST', path: `${order(merchantPaymentId)}/void`, body: {} }, linePayPaymentInfoSchema.partial());
      return acceptedOrRejected(voided);
    },
    refund: async (request) => {
      const answer = await refund(request.merchantPaymentId, request.amount.amountMinor);
      if (isUnknown(answer)) return answer;
      if (answer.code !== LINE_PAY_SUCCESS || answer.info === null) return rejected(answer);
      return { outcome: 'accepted', providerRefundId: answer.info.refundTransactionId };
    },
    // LINE Pay has no refund query by our id: a refund is answered synchronously, or checked on the order.
    getRefund: () => Promise.resolve({ outcome: 'not_found' }),
    capture: async (request) => {
      const body = { amount: request.amount.amountMinor, currency: 'JPY' };
      const answer = await callLinePay(transport, 'capture', { method: 'POST', path: `${order(request.merchantPaymentId)}/capture`, body }, linePayPaymentInfoSchema.partial());
      if (isUnknown(answer)) return answer;
      return answer.code === LINE_PAY_SUCCESS ? { outcome: 'captured', amount: request.amount } : rejected(answer);
    },
    revertAuthorization: async (merchantPaymentId) =>
      acceptedOrRejected(await callLinePay(transport, 'void', { method: 'POST', path: `${order(merchantPaymentId)}/void`, body: {} }, linePayPaymentInfoSchema.partial())),
  };
}
