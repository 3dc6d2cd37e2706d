/**
 * A CPM provider in the style of LINE Pay's Offline API v2, under `/line_pay` (payments.md §4.2):
 * the terminal's server pays with the customer's one-time key and is answered synchronously.
 * Channel credentials in `X-LINE-ChannelId` / `X-LINE-ChannelSecret` (a key registered with
 * `POST /sandbox/credentials` is the channel id, its secret the channel secret). Magic one-time keys:
 * `000000000000` is refused by the customer's app (1169), `111111111111` pays one yen more than asked
 * (the merchant must check the paid total); any other 12 digits pays the amount. Faults apply to
 * operations `cpm_pay` and `cpm_check` (`timeout`, `lost_answer`, `server_error`) like to PayPay's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { linePayCaptureRequestSchema, linePayRefundRequestSchema, oneTimeKeyPayRequestSchema } from '../schemas/providers/linePay.js';
import { newPayment, pay, refundedAmount, type SandboxPayment } from './payments.js';
import { hold } from './paypayApi.js';
import { textField } from './requestFields.js';
import { countCall, currentPayment, type SandboxState } from './sandboxState.js';

const STATUS: Readonly<Record<SandboxPayment['status'], string>> = {
  CREATED: 'FAIL',
  AUTHORIZED: 'AUTHORIZATION',
  COMPLETED: 'COMPLETE',
  REFUNDED: 'REFUNDED',
  FAILED: 'FAIL',
  CANCELED: 'VOIDED_AUTHORIZATION',
  EXPIRED: 'VOIDED_AUTHORIZATION',
};

type LineAnswer = Readonly<{ returnCode: string; returnMessage: string; info?: unknown }>;

const answer = (returnCode: string, returnMessage: string, info?: unknown): LineAnswer => ({ returnCode, returnMessage, ...(info === undefined ? {} : { info }) });

const iso = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString();

function paymentInfo(payment: SandboxPayment): Record<string, unknown> {
  return {
    transactionId: payment.paymentId,
    orderId: payment.merchantPaymentId,
    status: STATUS[payment.status],
    transactionDate: iso(payment.acceptedAt),
    payInfo: [{ method: 'BALANCE', amount: payment.amountPaid - refundedAmount(payment) - payment.amountReverted }],
    ...(payment.authorizationExpiry === null ? {} : { authorizationExpireDate: iso(payment.authorizationExpiry) }),
  };
}

function channelOf(state: SandboxState, request: FastifyRequest): string | undefined {
  const id = request.headers['x-line-channelid'];
  const secret = request.headers['x-line-channelsecret'];
  if (typeof id !== 'string' || typeof secret !== 'string') return undefined;
  return state.credentials.get(id)?.apiSecret === secret ? id : undefined;
}

const orderOf = (request: FastifyRequest): string => textField(request.params, 'orderId') ?? '';

function payWithKey(state: SandboxState, channel: string, request: FastifyRequest): LineAnswer {
  const body = oneTimeKeyPayRequestSchema.safeParse(request.body);
  if (!body.success) return answer('1102', `Invalid request: ${body.error.issues[0]?.message ?? 'body'}`);
  if (state.payments.has(body.data.orderId)) return answer('1172', 'An order with this orderId exists.');
  if (body.data.oneTimeKey === '000000000000') return answer('1169', "The customer's app refused the payment.");
  const nowS = state.nowS();
  const payment = newPayment({
    merchantPaymentId: body.data.orderId,
    merchantId: channel,
    amount: body.data.amount,
    isAuthorization: body.data.capture === false,
    authorizationExpiry: body.data.capture === false ? nowS + 7 * 86_400 : null,
    qrExpiresAt: nowS,
    storeId: undefined,
    terminalId: typeof request.headers['x-line-merchantdeviceprofileid'] === 'string' ? request.headers['x-line-merchantdeviceprofileid'] : undefined,
  });
  pay(payment, nowS, body.data.oneTimeKey === '111111111111' ? body.data.amount + 1 : body.data.amount);
  state.payments.set(payment.merchantPaymentId, payment);
  return answer('0000', 'Success.', paymentInfo(payment));
}

function voidAuthorization(payment: SandboxPayment): LineAnswer {
  if (payment.status !== 'AUTHORIZED') return answer('1164', `Order is ${STATUS[payment.status]}: not voidable.`);
  payment.amountReverted = payment.amountPaid;
  payment.canceledByMerchant = true;
  payment.status = 'CANCELED';
  return answer('0000', 'Success.', paymentInfo(payment));
}

type OrderHandler = (payment: SandboxPayment, request: FastifyRequest) => LineAnswer;

export function registerLinePayApi(app: FastifyInstance, state: SandboxState): void {
  const authenticated =
    (operation: string, handler: (channel: string, request: FastifyRequest) => LineAnswer) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const channel = channelOf(state, request);
      if (channel === undefined) return reply.code(401).send({ returnCode: '1106', returnMessage: 'Header information error (channel id or secret).' });
      const reference = orderOf(request) || textField(request.body, 'orderId');
      countCall(state, reference, operation);
      const fault = operation === 'cpm_pay' || operation === 'cpm_check' ? state.faults.apiFault(operation, reference) : undefined;
      if (fault === 'server_error') return reply.code(500).send({ returnCode: '9000', returnMessage: 'Internal error.' });
      if (fault === 'timeout') {
        await hold(state, reply);
        return reply;
      }
      const answered = handler(channel, request);
      if (fault === 'lost_answer') {
        await hold(state, reply);
        return reply;
      }
      return reply.code(200).send(answered);
    };
  const onOrder = (operation: string, handler: OrderHandler) =>
    authenticated(operation, (channel, request) => {
      const payment = currentPayment(state, orderOf(request));
      if (payment?.merchantId !== channel) return answer('1150', 'No such order.');
      return handler(payment, request);
    });

  app.post(
    '/line_pay/v2/payments/oneTimeKeys/pay',
    authenticated('cpm_pay', (channel, request) => payWithKey(state, channel, request)),
  );
  app.get(
    '/line_pay/v2/payments/orders/:orderId/check',
    onOrder('cpm_check', (payment) => answer('0000', 'Success.', paymentInfo(payment))),
  );
  app.post('/line_pay/v2/payments/orders/:orderId/void', onOrder('cpm_void', voidAuthorization));
  app.post(
    '/line_pay/v2/payments/orders/:orderId/capture',
    onOrder('cpm_capture', (payment, request) => {
      const body = linePayCaptureRequestSchema.safeParse(request.body);
      if (!body.success) return answer('1102', 'Invalid request.');
      if (payment.status !== 'AUTHORIZED') return answer('1164', `Order is ${STATUS[payment.status]}: not capturable.`);
      if (body.data.amount > payment.amountPaid) return answer('1163', 'Above the authorized amount.');
      payment.amountPaid = body.data.amount;
      payment.status = 'COMPLETED';
      return answer('0000', 'Success.', paymentInfo(payment));
    }),
  );
  app.post(
    '/line_pay/v2/payments/orders/:orderId/refund',
    onOrder('cpm_refund', (payment, request) => {
      const body = linePayRefundRequestSchema.safeParse(request.body);
      if (!body.success) return answer('1102', 'Invalid request.');
      if (payment.status !== 'COMPLETED' && payment.status !== 'REFUNDED') return answer('1164', `Order is ${STATUS[payment.status]}: not refundable.`);
      if (refundedAmount(payment) + body.data.refundAmount > payment.amountPaid) return answer('1163', 'The refunds would exceed the payment.');
      const refundTransactionId = `${payment.paymentId ?? ''}-${payment.refunds.size + 1}`;
      const nowS = state.nowS();
      payment.refunds.set(refundTransactionId, { merchantRefundId: refundTransactionId, amount: body.data.refundAmount, status: 'REFUNDED', acceptedAt: nowS, settlesAt: nowS });
      payment.status = 'REFUNDED';
      return answer('0000', 'Success.', { refundTransactionId, refundTransactionDate: iso(nowS) });
    }),
  );
}
