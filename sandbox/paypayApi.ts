/**
 * PayPay's Open Payment API endpoints for dynamic QR (payments.md §4.1), with its request and
 * response shapes (`{resultInfo: {code, message, codeId}, data}`), status codes and error codes.
 * Every call must carry a valid `Authorization: hmac OPA-Auth:…` header for a registered API key
 * (verified over the exact body bytes) and, for an agent's key, the right `X-ASSUME-MERCHANT`.
 * Faults (faults.ts) are applied per call before (timeout, 5xx) or after (lost answer) the change.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { parseOpaAuthHeader, verifyOpaAuth } from '../infra/adapters/providers/paypay/opaAuth.js';
import { captureRequestSchema, createQrRequestSchema, refundRequestSchema, revertRequestSchema } from '../schemas/providers/paypay.js';
import type { ApiFault, ApiOperation } from './faults.js';
import { cancel, capture, failure, newPayment, paymentData, refund, refundData, revert, success, type Outcome } from './payments.js';
import { textField } from './requestFields.js';
import { countCall, currentPayment, type SandboxState } from './sandboxState.js';

const ERROR_CODE_IDS: Readonly<Record<string, string>> = {
  SUCCESS: '08100001',
  REQUEST_ACCEPTED: '08100001',
  UNAUTHORIZED: '08100016',
  INVALID_PARAMS: '08100006',
  DUPLICATE_DYNAMIC_QR_REQUEST: '01652073',
  DYNAMIC_QR_NOT_FOUND: '01652075',
  DYNAMIC_QR_PAYMENT_NOT_FOUND: '01652075',
  NO_SUCH_REFUND_ORDER: '01634053',
  INTERNAL_SERVER_ERROR: '08100998',
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact JSON bytes received (the OPA-Auth MAC covers them). */
    opaBody?: string;
  }
}

type Call = Readonly<{ request: FastifyRequest; merchantId: string; fault: ApiFault | undefined }>;
type Handler = (call: Call) => Outcome;

function send(reply: FastifyReply, outcome: Outcome): FastifyReply {
  const resultInfo = { code: outcome.code, message: outcome.message, codeId: ERROR_CODE_IDS[outcome.code] ?? '08100999' };
  return reply
    .code(outcome.status)
    .header('x-request-id', randomUUID())
    .send({ resultInfo, ...(outcome.data === undefined ? {} : { data: outcome.data }) });
}

/** The caller's merchant, or the refusal: an unknown key, a wrong MAC or a foreign X-ASSUME-MERCHANT. */
function authenticate(state: SandboxState, request: FastifyRequest): string | Outcome {
  const parsed = parseOpaAuthHeader(request.headers.authorization);
  if (parsed === undefined) return failure(401, 'UNAUTHORIZED', 'Missing or malformed Authorization: hmac OPA-Auth header.');
  const credential = state.credentials.get(parsed.apiKey);
  if (credential === undefined) return failure(401, 'UNAUTHORIZED', 'Unknown API key.');
  const path = request.url.split('?')[0] ?? request.url;
  const contentType = request.headers['content-type'];
  if (!verifyOpaAuth(parsed, { method: request.method, path, body: request.opaBody, contentType }, credential.apiSecret)) {
    return failure(401, 'UNAUTHORIZED', 'The OPA-Auth MAC does not match the request.');
  }
  const assumed = request.headers['x-assume-merchant'];
  if (typeof assumed === 'string' && assumed !== credential.merchantId) return failure(401, 'UNAUTHORIZED', `This API key may not act for merchant ${assumed}.`);
  return credential.merchantId;
}

/** Holds the request without answering until the client gives up (or `holdMs`), then drops the connection. */
export async function hold(state: SandboxState, reply: FastifyReply): Promise<void> {
  reply.hijack();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, state.settings.holdMs);
    reply.raw.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  reply.raw.destroy();
}

function route(
  state: SandboxState,
  operation: ApiOperation,
  reference: (request: FastifyRequest) => string | undefined,
  handler: Handler,
): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> {
  return async (request, reply) => {
    const merchantId = authenticate(state, request);
    if (typeof merchantId !== 'string') return send(reply, merchantId);
    const merchantPaymentId = reference(request);
    countCall(state, merchantPaymentId, operation);
    const fault = state.faults.apiFault(operation, merchantPaymentId);
    if (fault === 'timeout') return hold(state, reply);
    if (fault === 'server_error') return send(reply, failure(500, 'INTERNAL_SERVER_ERROR', 'Injected server error.'));
    const outcome = handler({ request, merchantId, fault });
    if (fault === 'lost_answer') return hold(state, reply);
    if (fault === 'unparsable') return reply.code(200).type('text/html').send('<html><body>upstream connect error</body></html>');
    return send(reply, outcome);
  };
}

const param = (request: FastifyRequest, name: string): string => textField(request.params, name) ?? '';
const bodyField = (request: FastifyRequest, name: string): string | undefined => textField(request.body, name);

function parsed<S extends z.ZodType>(schema: S, request: FastifyRequest): z.infer<S> | Outcome {
  const result = schema.safeParse(request.body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  return failure(400, 'INVALID_PARAMS', `Invalid request: ${issue === undefined ? 'body' : `${issue.path.join('.')} ${issue.message}`}.`);
}
const isOutcome = (value: unknown): value is Outcome => typeof value === 'object' && value !== null && 'code' in value && 'status' in value && !('merchantPaymentId' in value);

function createQr(state: SandboxState, call: Call): Outcome {
  const body = parsed(createQrRequestSchema, call.request);
  if (isOutcome(body)) return body;
  if (state.payments.has(body.merchantPaymentId)) return failure(400, 'DUPLICATE_DYNAMIC_QR_REQUEST', 'A QR code was already created for this merchantPaymentId.');
  const nowS = state.nowS();
  const payment = newPayment({
    merchantPaymentId: body.merchantPaymentId,
    merchantId: call.merchantId,
    amount: body.amount.amount,
    isAuthorization: body.isAuthorization === true,
    authorizationExpiry: body.isAuthorization === true ? (body.authorizationExpiry ?? nowS + 7 * 86_400) : null,
    qrExpiresAt: nowS + state.settings.qrTtlSeconds,
    storeId: body.storeId,
    terminalId: body.terminalId,
  });
  state.payments.set(payment.merchantPaymentId, payment);
  state.codes.set(payment.codeId, payment.merchantPaymentId);
  const linkKey = encodeURIComponent(payment.codeId);
  return success(
    {
      codeId: payment.codeId,
      url: `${state.settings.publicUrl}/qr/${linkKey}`,
      deeplink: `paypay://payment?link_key=${linkKey}`,
      expiryDate: payment.qrExpiresAt,
      merchantPaymentId: payment.merchantPaymentId,
      amount: body.amount,
      orderDescription: body.orderDescription,
      codeType: 'ORDER_QR',
      storeId: body.storeId,
      terminalId: body.terminalId,
      requestedAt: body.requestedAt,
      isAuthorization: payment.isAuthorization,
      authorizationExpiry: payment.authorizationExpiry,
    },
    201,
  );
}

function getPayment(state: SandboxState, call: Call): Outcome {
  const payment = currentPayment(state, param(call.request, 'merchantPaymentId'));
  // No payment, or an unpaid QR that was deleted: "no QR remains and no payment exists".
  if (payment === undefined || payment.merchantId !== call.merchantId || (payment.status === 'CREATED' && payment.qrDeleted)) {
    return failure(404, 'DYNAMIC_QR_PAYMENT_NOT_FOUND', 'Dynamic QR payment not found.');
  }
  return success(paymentData(payment));
}

function paymentOf(state: SandboxState, call: Call, merchantPaymentId: string): ReturnType<typeof currentPayment> {
  const payment = currentPayment(state, merchantPaymentId);
  return payment?.merchantId === call.merchantId ? payment : undefined;
}

const notFound = (): Outcome => failure(404, 'DYNAMIC_QR_PAYMENT_NOT_FOUND', 'Dynamic QR payment not found.');

function findPaymentById(state: SandboxState, call: Call, paymentId: string): ReturnType<typeof currentPayment> {
  for (const payment of state.payments.values())
    if (payment.paymentId === paymentId && payment.merchantId === call.merchantId) return currentPayment(state, payment.merchantPaymentId);
  return undefined;
}

function deleteQr(state: SandboxState, call: Call): Outcome {
  const merchantPaymentId = state.codes.get(param(call.request, 'codeId'));
  const payment = merchantPaymentId === undefined ? undefined : paymentOf(state, call, merchantPaymentId);
  if (payment === undefined) return failure(404, 'DYNAMIC_QR_NOT_FOUND', 'Dynamic QR code not found.');
  payment.qrDeleted = true;
  return success();
}

function refundPayment(state: SandboxState, call: Call): Outcome {
  const body = parsed(refundRequestSchema, call.request);
  if (isOutcome(body)) return body;
  const payment = findPaymentById(state, call, body.paymentId);
  if (payment === undefined) return failure(400, 'INVALID_REQUEST_PARAMS', `No payment ${body.paymentId}.`);
  const nowS = state.nowS();
  return refund(payment, body.merchantRefundId, body.amount.amount, nowS, call.fault === 'refund_stuck' ? null : nowS + state.settings.refundSettleSeconds);
}

export function registerPaypayApi(app: FastifyInstance, state: SandboxState): void {
  const byParam = (request: FastifyRequest): string | undefined => param(request, 'merchantPaymentId');
  const byBody = (request: FastifyRequest): string | undefined => bodyField(request, 'merchantPaymentId');
  const byCode = (request: FastifyRequest): string | undefined => state.codes.get(param(request, 'codeId'));
  const byPaymentId = (request: FastifyRequest): string | undefined => {
    const paymentId = bodyField(request, 'paymentId') ?? textField(request.query, 'paymentId');
    for (const payment of state.payments.values()) if (payment.paymentId === paymentId) return payment.merchantPaymentId;
    return undefined;
  };

  app.post(
    '/v2/codes',
    route(state, 'create_qr', byBody, (call) => createQr(state, call)),
  );
  app.delete(
    '/v2/codes/:codeId',
    route(state, 'delete_qr', byCode, (call) => deleteQr(state, call)),
  );
  app.get(
    '/v2/codes/payments/:merchantPaymentId',
    route(state, 'get_payment', byParam, (call) => getPayment(state, call)),
  );
  app.delete(
    '/v2/payments/:merchantPaymentId',
    route(state, 'cancel_payment', byParam, (call) => {
      const payment = paymentOf(state, call, param(call.request, 'merchantPaymentId'));
      return payment === undefined ? notFound() : cancel(payment, state.nowS());
    }),
  );
  app.post(
    '/v2/payments/capture',
    route(state, 'capture', byBody, (call) => {
      const body = parsed(captureRequestSchema, call.request);
      if (isOutcome(body)) return body;
      const payment = paymentOf(state, call, body.merchantPaymentId);
      if (payment === undefined) return notFound();
      const outcome = capture(payment, body.merchantCaptureId, body.amount.amount);
      if (outcome.code === 'SUCCESS') state.webhooks.notify(payment);
      return outcome;
    }),
  );
  app.post(
    '/v2/payments/preauthorize/revert',
    route(state, 'revert', byBody, (call) => {
      const body = parsed(revertRequestSchema, call.request);
      if (isOutcome(body)) return body;
      const payment = paymentOf(state, call, body.merchantPaymentId);
      if (payment === undefined) return notFound();
      const wasAuthorized = payment.status === 'AUTHORIZED';
      const outcome = revert(payment);
      if (wasAuthorized && outcome.code === 'SUCCESS') state.webhooks.notify(payment);
      return outcome;
    }),
  );
  app.post(
    '/v2/refunds',
    route(state, 'refund', byPaymentId, (call) => refundPayment(state, call)),
  );
  app.get(
    '/v2/refunds/:merchantRefundId',
    route(state, 'get_refund', byPaymentId, (call) => {
      const paymentId = textField(call.request.query, 'paymentId') ?? '';
      const payment = findPaymentById(state, call, paymentId);
      const found = payment?.refunds.get(param(call.request, 'merchantRefundId'));
      if (payment === undefined || found === undefined) return failure(404, 'NO_SUCH_REFUND_ORDER', 'No such refund.');
      return success(refundData(payment, found));
    }),
  );
}
