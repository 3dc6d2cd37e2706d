import type { HttpAnswer, HttpClient } from '../shared/httpClient.js';
import type { TerminalTokens } from '../commands/ledgerSetup.js';
import { simulateCardApp } from '../../infra/entry/cli/cardSimulator.js';
import { seededRandom } from '../../test/support/seededRandom.js';
import { CARD, CASH, pickFlow, REFUND_AMOUNT, REPORT_PATH, type FlowKind, type RequestKind } from './mix.js';
import type { RunClock, StartFlow } from './openLoop.js';
import type { RequestRecorder, RequestEnd } from './recorder.js';

/**
 * The ledger side of the open loop: one flow of mix.ts per slot, on a terminal picked round-robin.
 * Steps after the first start when the previous answer arrives (a terminal does the same), and
 * are timed from then. Every acknowledged write is noted for the log check (verify.ts).
 */
export type AcknowledgedIntent = {
  mode: 'manual' | 'external';
  /** Cash confirm answered 200. */
  cashReceived: boolean;
  /** Card confirm answered 200 with this attempt. */
  cardAttempt: string | null;
  /** card_result answered 200 for `cardAttempt`. */
  cardSucceeded: boolean;
  /** Refunds answered 201: their ids as the answer listed them (null when it did not show one). */
  refunds: (string | null)[];
};

type Completed = { id: string; terminal: number; refundable: number; busy: boolean };

/** Payments completed in this run, the targets of reads and refunds (the most recent ones). */
const COMPLETED_KEPT = 4096;
const INTENTS = '/v1/payment_intents';

export type FlowCounters = { flowsByKind: Record<string, number>; substituted: Record<string, number>; unparsable: number };

export class LedgerFlows {
  readonly acknowledged = new Map<string, AcknowledgedIntent>();
  readonly counters: FlowCounters = { flowsByKind: {}, substituted: {}, unparsable: 0 };
  private readonly completed: Completed[] = [];
  private readonly random: () => number;
  private approvals = 0;

  constructor(
    private readonly client: HttpClient,
    private readonly tokens: TerminalTokens,
    private readonly recorder: RequestRecorder,
    private readonly clock: RunClock,
    private readonly runId: string,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** Flows started by this object: the open loop's sequence starts again at 0 each run, idempotency keys must not. */
  private flowsStarted = 0;

  readonly start: StartFlow = async (_sequence, intendedMs) => {
    const sequence = this.flowsStarted;
    this.flowsStarted += 1;
    const terminal = sequence % this.tokens.count;
    let kind = pickFlow(this.random());
    const target = kind === 'refund' ? this.pickRefundable() : kind === 'intent_read' ? this.pickAny() : undefined;
    if ((kind === 'refund' || kind === 'intent_read') && target === undefined) {
      // Nothing completed yet (the first moments of a run): a cash payment instead, counted.
      this.counters.substituted[kind] = (this.counters.substituted[kind] ?? 0) + 1;
      kind = 'cash_payment';
    }
    this.counters.flowsByKind[kind] = (this.counters.flowsByKind[kind] ?? 0) + 1;
    const key = `${this.runId}-${sequence}`;
    switch (kind) {
      case 'cash_payment':
      case 'card_payment':
        await this.payment(kind, terminal, key, intendedMs);
        return;
      case 'refund':
        if (target !== undefined) await this.refund(target, key, intendedMs);
        return;
      case 'intent_read':
        if (target !== undefined) await this.send('intent_read', target.terminal, 'GET', `${INTENTS}/${target.id}`, undefined, undefined, 200, intendedMs);
        return;
      case 'report_query':
        await this.send('report_query', terminal, 'GET', REPORT_PATH, undefined, undefined, 200, intendedMs);
        return;
    }
  };

  private async payment(kind: Extract<FlowKind, 'cash_payment' | 'card_payment'>, terminal: number, key: string, intendedMs: number): Promise<void> {
    const cash = kind === 'cash_payment';
    const mode = cash ? 'manual' : 'external';
    const amount = cash ? CASH.amount : CARD.amount;
    const created = await this.send(cash ? 'create_cash' : 'create_card', terminal, 'POST', INTENTS, { amount, mode }, `${key}-c`, 201, intendedMs);
    const id = created.answer === undefined ? undefined : this.field(created.answer.body, (body) => body.id);
    if (id === undefined) return;
    const intent: AcknowledgedIntent = { mode, cashReceived: false, cardAttempt: null, cardSucceeded: false, refunds: [] };
    this.acknowledged.set(id, intent);
    const method = cash ? { type: 'cash', tendered: CASH.tendered } : { type: 'card' };
    const confirmed = await this.send(
      cash ? 'confirm_cash' : 'confirm_card',
      terminal,
      'POST',
      `${INTENTS}/${id}/confirm`,
      { payment_method: method },
      `${key}-f`,
      200,
      created.endMs,
    );
    if (confirmed.answer === undefined) return;
    if (cash) {
      intent.cashReceived = true;
      this.remember({ id, terminal, refundable: amount, busy: false });
      return;
    }
    const attemptId = this.field(confirmed.answer.body, (body) => (isRecord(body.next_action) ? body.next_action.attempt_id : undefined));
    if (attemptId === undefined) return;
    intent.cardAttempt = attemptId;
    this.approvals += 1;
    const result = simulateCardApp({ cardNumber: CARD.cardNumber, attemptId, amount, approvalNumber: String(this.approvals % 1_000_000).padStart(6, '0') });
    const reported = await this.send('card_result', terminal, 'POST', `${INTENTS}/${id}/card_result`, result, `${key}-r`, 200, confirmed.endMs);
    if (reported.answer === undefined) return;
    intent.cardSucceeded = true;
    this.remember({ id, terminal, refundable: amount, busy: false });
  }

  private async refund(target: Completed, key: string, intendedMs: number): Promise<void> {
    target.busy = true;
    target.refundable -= REFUND_AMOUNT;
    try {
      const refunded = await this.send('refund', target.terminal, 'POST', `${INTENTS}/${target.id}/refunds`, { amount: REFUND_AMOUNT }, `${key}-x`, 201, intendedMs);
      if (refunded.answer === undefined) return;
      const refundId = this.field(refunded.answer.body, (body) => (Array.isArray(body.refunds) ? lastId(body.refunds) : undefined)) ?? null;
      this.acknowledged.get(target.id)?.refunds.push(refundId);
    } finally {
      target.busy = false;
    }
  }

  /** Sends one request meant to start at `intendedMs`, records how it ended; `answer` only when it is the expected status. */
  private async send(
    kind: RequestKind,
    terminal: number,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    idempotencyKey: string | undefined,
    expected: number,
    intendedMs: number,
  ): Promise<Readonly<{ answer?: HttpAnswer; endMs: number }>> {
    const headers: Record<string, string> = { ...this.tokens.authorization(terminal), accept: 'application/json' };
    if (idempotencyKey !== undefined) {
      headers['content-type'] = 'application/json';
      headers['idempotency-key'] = idempotencyKey;
    }
    const outcome = await sendAndClassify(this.client, method, path, headers, body === undefined ? undefined : JSON.stringify(body), expected);
    const endMs = this.clock.now();
    this.recorder.add(kind, intendedMs, endMs, outcome.end);
    return outcome.end.kind === 'answer' && outcome.end.ok && outcome.answer !== undefined ? { answer: outcome.answer, endMs } : { endMs };
  }

  private field(body: string, pick: (parsed: Record<string, unknown>) => unknown): string | undefined {
    try {
      const parsed: unknown = JSON.parse(body);
      const value = isRecord(parsed) ? pick(parsed) : undefined;
      if (typeof value === 'string') return value;
    } catch {
      // Counted below.
    }
    this.counters.unparsable += 1;
    return undefined;
  }

  private remember(completed: Completed): void {
    this.completed.push(completed);
    if (this.completed.length > COMPLETED_KEPT) this.completed.shift();
  }

  private pickAny(): Completed | undefined {
    return this.completed[Math.floor(this.random() * this.completed.length)];
  }

  private pickRefundable(): Completed | undefined {
    for (let tries = 0; tries < 8; tries += 1) {
      const pick = this.pickAny();
      if (pick !== undefined && !pick.busy && pick.refundable >= REFUND_AMOUNT) return pick;
    }
    return undefined;
  }
}

/**
 * One request through the shared client, classified: the expected status, a shed answer (429 or
 * 503: did it carry Retry-After and a problem+json body with a `code`?), another status, no
 * answer within the client's timeout, or a network error.
 */
export async function sendAndClassify(
  client: HttpClient,
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  body: string | undefined,
  expected: number,
): Promise<Readonly<{ end: RequestEnd; answer?: HttpAnswer }>> {
  let answer: HttpAnswer;
  try {
    answer = await client.request(method, path, headers, body);
  } catch (error) {
    const timedOut = error instanceof Error && error.message.startsWith('no answer within');
    return { end: { kind: timedOut ? 'timeout' : 'network', detail: `${method} ${path}: ${error instanceof Error ? error.message : String(error)}` } };
  }
  const ok = answer.status === expected;
  if (ok) return { end: { kind: 'answer', status: answer.status, ok }, answer };
  const detail = `${method} ${path}: HTTP ${answer.status} ${answer.body.slice(0, 300)}`;
  if (answer.status !== 429 && answer.status !== 503) return { end: { kind: 'answer', status: answer.status, ok, detail }, answer };
  const contentType = answer.headers['content-type'] ?? '';
  let code: string | null = null;
  try {
    const parsed: unknown = JSON.parse(answer.body);
    if (isRecord(parsed) && typeof parsed.code === 'string') code = parsed.code;
  } catch {
    // No JSON body: code stays null.
  }
  const shed = { retryAfter: answer.headers['retry-after'] !== undefined, problemJson: contentType.includes('application/problem+json'), code };
  return { end: { kind: 'answer', status: answer.status, ok: false, shed, detail }, answer };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lastId(list: readonly unknown[]): unknown {
  const last: unknown = list.at(-1);
  return isRecord(last) ? last.id : undefined;
}
