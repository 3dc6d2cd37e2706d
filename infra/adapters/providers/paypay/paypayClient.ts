/**
 * One HTTP call to PayPay's Open Payment API: the OPA-Auth header, `X-ASSUME-MERCHANT` when the
 * store's credentials name a merchant (an agent client), the operation's client timeout, and the
 * answer read as a decision or as unknown. Every answer is parsed by schema, never cast.
 */
import type { z } from 'zod';
import type { Unknown } from '../../../../domain/providers/index.js';
import { envelopeSchema } from '../../../../schemas/providers/paypay.js';
import { newOpaNonce, opaAuthHeader } from './opaAuth.js';

export const paypayOperations = ['create_qr', 'delete_qr', 'get_payment', 'cancel_payment', 'capture', 'revert', 'refund', 'get_refund'] as const;
export type PaypayOperation = (typeof paypayOperations)[number];

/** Client timeouts of payments.md §4.1. */
export const PAYPAY_TIMEOUTS_MS: Readonly<Record<PaypayOperation, number>> = {
  create_qr: 30_000,
  delete_qr: 15_000,
  get_payment: 15_000,
  cancel_payment: 15_000,
  capture: 30_000,
  revert: 30_000,
  refund: 30_000,
  get_refund: 15_000,
};

export type PaypayCredentials = Readonly<{ apiKey: string; apiSecret: string; merchantId: string | undefined }>;

export type PaypayTransport = Readonly<{ baseUrl: string; credentials: PaypayCredentials; timeoutsMs: Readonly<Record<PaypayOperation, number>> }>;

/** A decided answer: HTTP status, PayPay's result code and message, and the parsed data (when the schema matched). */
export type PaypayAnswer<Data> = Readonly<{ kind: 'answer'; status: number; code: string; message: string; data: Data | null }>;

const CONTENT_TYPE = 'application/json;charset=UTF-8';

export async function callPaypay<Data extends z.ZodType>(
  transport: PaypayTransport,
  operation: PaypayOperation,
  request: Readonly<{ method: 'GET' | 'POST' | 'DELETE'; path: string; query?: string; body?: unknown }>,
  dataSchema: Data,
): Promise<PaypayAnswer<z.infer<Data>> | Unknown> {
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const authorization = opaAuthHeader({
    apiKey: transport.credentials.apiKey,
    apiSecret: transport.credentials.apiSecret,
    method: request.method,
    path: request.path,
    body,
    contentType: body === undefined ? undefined : CONTENT_TYPE,
    epochSeconds: Math.floor(Date.now() / 1000),
    nonce: newOpaNonce(),
  });
  const headers: Record<string, string> = { authorization, ...(body === undefined ? {} : { 'content-type': CONTENT_TYPE }) };
  if (transport.credentials.merchantId !== undefined) headers['x-assume-merchant'] = transport.credentials.merchantId;
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${transport.baseUrl}${request.path}${request.query ?? ''}`, {
      method: request.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(transport.timeoutsMs[operation]),
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { outcome: 'unknown', reason: timedOut ? 'timeout' : 'network', detail: `${operation}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const requestId = response.headers.get('x-request-id') ?? '-';
  if (response.status >= 500) return { outcome: 'unknown', reason: 'server_error', detail: `${operation}: HTTP ${response.status} (X-REQUEST-ID ${requestId})` };
  const parsed = envelopeSchema(dataSchema).safeParse(safeJson(text));
  if (!parsed.success) return { outcome: 'unknown', reason: 'unparsable', detail: `${operation}: HTTP ${response.status}, unreadable answer (X-REQUEST-ID ${requestId})` };
  const { resultInfo, data } = parsed.data;
  return { kind: 'answer', status: response.status, code: resultInfo.code, message: resultInfo.message, data: (data ?? null) as z.infer<Data> | null };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
