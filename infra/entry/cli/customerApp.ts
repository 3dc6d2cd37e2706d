/**
 * `customer-pays | customer-cancels | qr-expires <intent> [amount]`: plays the customer's payment app
 * against the provider sandbox (SANDBOX_URL, default http://127.0.0.1:3900): it reads the intent's
 * displayed QR (the attempt id is the provider's `merchantPaymentId`), drives the sandbox, and then
 * waits (long-poll) for the ledger to learn the outcome from the provider and prints the intent.
 */
import { z } from 'zod';
import type { CustomerAction } from './callArguments.js';
import type { LedgerRequest, LedgerResponse } from './ledgerClient.js';

const DEFAULT_SANDBOX_URL = 'http://127.0.0.1:3900';
const WAIT_MS = 10_000;

export class CustomerAppError extends Error {
  override readonly name = 'CustomerAppError';
}

type Send = (request: LedgerRequest) => Promise<LedgerResponse>;

const shownQrSchema = z.looseObject({ next_action: z.looseObject({ type: z.string(), attempt_id: z.string().optional() }).nullable().optional() });

type Shown = Readonly<{ attemptId: string; revision: string | null }>;

async function displayedQr(send: Send, intentId: string): Promise<Shown> {
  const current = await send({ method: 'GET', path: `/v1/payment_intents/${intentId}` });
  const body = current.json;
  if (current.status !== 200 || typeof body !== 'object' || body === null) throw new CustomerAppError(`GET ${intentId} answered ${current.status}`);
  const nextAction = shownQrSchema.safeParse(body).data?.next_action;
  if (nextAction?.type !== 'display_qr' || nextAction.attempt_id === undefined) {
    throw new CustomerAppError(`${intentId} shows no QR (confirm it with {"payment_method":{"type":"qr"}} first, then wait for next_action.display_qr.qr)`);
  }
  return { attemptId: nextAction.attempt_id, revision: current.headers.get('x-stream-revision') };
}

/** Drives the sandbox, then answers the intent once the ledger has moved (or after WAIT_MS). */
export async function runCustomerApp(send: Send, intentId: string, action: CustomerAction, amount: number | undefined): Promise<LedgerResponse> {
  const shown = await displayedQr(send, intentId);
  const sandbox = process.env.SANDBOX_URL ?? DEFAULT_SANDBOX_URL;
  const url = `${sandbox}/sandbox/payments/${encodeURIComponent(shown.attemptId)}/${action}`;
  let answer: Response;
  try {
    answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(amount === undefined ? {} : { amount }) });
  } catch (error) {
    throw new CustomerAppError(`the provider sandbox does not answer at ${sandbox} (${error instanceof Error ? error.message : String(error)}); set SANDBOX_URL`);
  }
  const text = await answer.text();
  process.stderr.write(`sandbox: POST ${url} → ${answer.status} ${text}\n`);
  if (!answer.ok) throw new CustomerAppError(`the sandbox refused: ${answer.status} ${text}`);
  const wait = shown.revision === null ? '' : `?wait_for_change=${shown.revision}&timeout_ms=${WAIT_MS}`;
  return send({ method: 'GET', path: `/v1/payment_intents/${intentId}${wait}` });
}
