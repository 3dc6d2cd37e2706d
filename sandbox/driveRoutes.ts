/**
 * The sandbox's own test and demo API (`/sandbox/*`, no authentication: it plays the customer's app
 * and the test harness, never the merchant). Register credentials, make the customer pay, cancel or
 * let the QR expire, pay late (after the QR expired or was deleted: a late success), inject faults,
 * and read the provider-side truth of a payment. Errors are `{code, message}` with a 4xx status.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { faultRuleSchema } from './faults.js';
import { pay } from './payments.js';
import { currentPayment, paymentView, type SandboxState } from './sandboxState.js';

const credentialsSchema = z.strictObject({
  provider: z.literal('paypay').default('paypay'),
  api_key: z.string().min(1).max(200),
  api_secret: z.string().min(1).max(200),
  merchant_id: z.string().min(1).max(200).optional(),
});

const driveSchema = z.strictObject({ amount: z.int().min(1).max(100_000_000).optional() });

const refuse = (reply: FastifyReply, status: number, code: string, message: string): FastifyReply => reply.code(status).send({ code, message });

function body<S extends z.ZodType>(schema: S, request: FastifyRequest, reply: FastifyReply): z.infer<S> | undefined {
  const parsed = schema.safeParse(request.body ?? {});
  if (parsed.success) return parsed.data;
  refuse(reply, 400, 'invalid_request', parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
  return undefined;
}

type Action = 'pay' | 'cancel' | 'expire' | 'late_pay';

/** What the customer (or time) does to a payment; undefined when done, otherwise why it cannot be done. */
function drive(state: SandboxState, merchantPaymentId: string, action: Action, amount: number | undefined): string | undefined {
  const payment = currentPayment(state, merchantPaymentId);
  if (payment === undefined) return 'not_found';
  const nowS = state.nowS();
  const unpaid = payment.status === 'CREATED' && payment.acceptedAt === 0;
  switch (action) {
    case 'pay':
      if (!unpaid || payment.qrDeleted || nowS > payment.qrExpiresAt) return 'qr_not_payable';
      pay(payment, nowS, amount ?? payment.amount);
      break;
    case 'late_pay':
      // The customer's payment went through although the QR had expired or was deleted (never after a merchant cancel).
      if (!unpaid || payment.canceledByMerchant) return 'qr_not_payable';
      pay(payment, nowS, amount ?? payment.amount);
      break;
    case 'cancel':
      // The customer gives up in the app: the payment fails.
      if (!unpaid) return 'qr_not_payable';
      payment.status = 'FAILED';
      break;
    case 'expire':
      if (payment.status === 'AUTHORIZED') {
        payment.authorizationExpiry = nowS - 1;
        currentPayment(state, merchantPaymentId);
        return undefined;
      }
      if (!unpaid) return 'qr_not_payable';
      payment.qrExpiresAt = nowS - 1;
      return undefined;
  }
  state.webhooks.notify(payment);
  return undefined;
}

export function registerDriveRoutes(app: FastifyInstance, state: SandboxState): void {
  app.get('/health', () => ({ status: 'ok', payments: state.payments.size, webhook_url: state.webhooks.url() ?? null }));
  app.post('/sandbox/credentials', (request, reply) => {
    const credentials = body(credentialsSchema, request, reply);
    if (credentials === undefined) return reply;
    state.credentials.set(credentials.api_key, { apiSecret: credentials.api_secret, merchantId: credentials.merchant_id ?? `merchant-${credentials.api_key}` });
    return reply.code(201).send({ provider: credentials.provider, api_key: credentials.api_key });
  });
  app.post('/sandbox/webhook_url', (request, reply) => {
    const target = body(z.strictObject({ url: z.url().nullable() }), request, reply);
    if (target === undefined) return reply;
    state.webhooks.setUrl(target.url ?? undefined);
    return { url: target.url };
  });
  app.post<{ Params: { merchantPaymentId: string; action: string } }>('/sandbox/payments/:merchantPaymentId/:action', (request, reply) => {
    const action = z.enum(['pay', 'cancel', 'expire', 'late_pay']).safeParse(request.params.action);
    if (!action.success) return refuse(reply, 404, 'unknown_action', `Actions: pay, cancel, expire, late_pay.`);
    const drove = body(driveSchema, request, reply);
    if (drove === undefined) return reply;
    const refused = drive(state, request.params.merchantPaymentId, action.data, drove.amount);
    if (refused === 'not_found') return refuse(reply, 404, 'not_found', `No payment ${request.params.merchantPaymentId} at the provider.`);
    const payment = state.payments.get(request.params.merchantPaymentId);
    if (refused !== undefined || payment === undefined) return refuse(reply, 409, refused ?? 'not_found', `Payment is ${payment?.status ?? 'unknown'}; cannot ${action.data}.`);
    return paymentView(payment, state.calls.get(payment.merchantPaymentId));
  });
  app.get<{ Params: { merchantPaymentId: string } }>('/sandbox/payments/:merchantPaymentId', (request, reply) => {
    const payment = currentPayment(state, request.params.merchantPaymentId);
    return payment === undefined
      ? refuse(reply, 404, 'not_found', `No payment ${request.params.merchantPaymentId}.`)
      : paymentView(payment, state.calls.get(payment.merchantPaymentId));
  });
  // What a customer's app finds behind a QR's `url` (PayPay serves a payment page there).
  app.get<{ Params: { codeId: string } }>('/qr/:codeId', (request, reply) => {
    const merchantPaymentId = state.codes.get(request.params.codeId);
    const payment = merchantPaymentId === undefined ? undefined : currentPayment(state, merchantPaymentId);
    if (payment === undefined) return refuse(reply, 404, 'not_found', `No QR ${request.params.codeId}.`);
    return {
      codeId: payment.codeId,
      merchantPaymentId: payment.merchantPaymentId,
      amount: payment.amount,
      status: payment.status,
      pay: `POST /sandbox/payments/${payment.merchantPaymentId}/pay`,
    };
  });
  app.get<{ Params: { merchantPaymentId: string } }>('/sandbox/calls/:merchantPaymentId', (request) => state.calls.get(request.params.merchantPaymentId) ?? {});
  app.post('/sandbox/faults', (request, reply) => {
    const rule = body(faultRuleSchema, request, reply);
    if (rule === undefined) return reply;
    state.faults.add(rule);
    return reply.code(201).send(rule);
  });
  app.get('/sandbox/faults', () => ({ rules: state.faults.rules(), injected: state.faults.injected(), webhooks_delivered: state.webhooks.delivered() }));
  app.delete('/sandbox/faults', (_request, reply) => {
    state.faults.clear();
    return reply.code(204).send();
  });
}
