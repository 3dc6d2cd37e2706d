import { simulateCardApp } from '../../infra/entry/cli/cardSimulator.js';
import { seededRandom } from '../../test/support/seededRandom.js';

/**
 * The terminal mix of `bench:commands`, one worker's state machine. Shares of HTTP requests:
 * 70 % payment flows (cash: create + confirm; card: create + confirm + card_result; as many cash
 * flows as card flows), 10 % partial refunds of a payment this worker completed, 20 % reads (GET)
 * of one. A flow is picked with weights that give those request shares (a card flow is three
 * requests, a cash flow two). Deterministic for a seed.
 */
export type RequestKind = 'create_cash' | 'confirm_cash' | 'create_card' | 'confirm_card' | 'card_result' | 'refund' | 'read';

export const REQUEST_KINDS: readonly RequestKind[] = ['create_cash', 'confirm_cash', 'create_card', 'confirm_card', 'card_result', 'refund', 'read'];

export const MIX = { paymentRequestShare: 0.7, refundRequestShare: 0.1, readRequestShare: 0.2 } as const;

export type MixRequest = Readonly<{ kind: RequestKind; method: 'GET' | 'POST'; path: string; body: string | undefined; expectedStatus: number }>;

type Flow = 'cash' | 'card' | 'refund' | 'read';
type Completed = { id: string; amount: number; refunded: number };
type Step =
  | Readonly<{ kind: 'create_cash' | 'create_card' }>
  | Readonly<{ kind: 'confirm_cash' | 'confirm_card'; intentId: string }>
  | Readonly<{ kind: 'card_result'; intentId: string; attemptId: string }>
  | Readonly<{ kind: 'refund' | 'read'; target: Completed }>;

const CASH = { amount: 1200, tendered: 2000 } as const;
const CARD = { amount: 3000, cardNumber: '4242424242424242' } as const;
const REFUND_AMOUNT = 100;
const COMPLETED_KEPT_MAX = 32;

// Flow weights from the request shares: cash and card flows each carry half the payment share.
const PAYMENT_FLOWS = MIX.paymentRequestShare / (2 + 3);
const TOTAL_FLOWS = MIX.readRequestShare + MIX.refundRequestShare + 2 * PAYMENT_FLOWS;
const FLOW_THRESHOLDS: readonly (readonly [number, Flow])[] = [
  [MIX.readRequestShare / TOTAL_FLOWS, 'read'],
  [(MIX.readRequestShare + MIX.refundRequestShare) / TOTAL_FLOWS, 'refund'],
  [(MIX.readRequestShare + MIX.refundRequestShare + PAYMENT_FLOWS) / TOTAL_FLOWS, 'cash'],
  [1, 'card'],
];

/**
 * One closed-loop worker acting as one terminal: `next()` is the request to send, `settle()` what
 * came back (it advances the flow, or throws on an unexpected answer), `abandon()` drops the flow
 * after a failure.
 *
 * @example const worker = new TerminalMixWorker(7); const request = worker.next(); worker.settle(request, 201, body);
 */
export class TerminalMixWorker {
  private readonly random: () => number;
  private readonly completed: Completed[] = [];
  private step: Step | undefined;
  private approvals = 0;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  /** The next request of the current flow, starting a new flow when none is under way. */
  next(): MixRequest {
    this.step ??= this.startFlow();
    return toRequest(this.step, () => {
      this.approvals += 1;
      return String(this.approvals % 1_000_000).padStart(6, '0');
    });
  }

  /** Advances on the answer to `request`; throws when the status is not the expected one. */
  settle(request: MixRequest, status: number, body: string): void {
    if (status !== request.expectedStatus) {
      this.abandon();
      throw new UnexpectedAnswerError(request.kind, status, body);
    }
    const step = this.step;
    if (step === undefined) return;
    this.step = undefined;
    switch (step.kind) {
      case 'create_cash':
      case 'create_card':
        this.step = { kind: step.kind === 'create_cash' ? 'confirm_cash' : 'confirm_card', intentId: field(body, 'id') };
        return;
      case 'confirm_card':
        this.step = { kind: 'card_result', intentId: step.intentId, attemptId: nextActionAttempt(body) };
        return;
      case 'confirm_cash':
        this.remember({ id: step.intentId, amount: CASH.amount, refunded: 0 });
        return;
      case 'card_result':
        this.remember({ id: step.intentId, amount: CARD.amount, refunded: 0 });
        return;
      case 'refund':
        step.target.refunded += REFUND_AMOUNT;
        return;
      case 'read':
        return;
    }
  }

  abandon(): void {
    this.step = undefined;
  }

  private startFlow(): Step {
    const draw = this.random();
    const flow = FLOW_THRESHOLDS.find(([threshold]) => draw < threshold)?.[1] ?? 'card';
    const pick = this.completed[Math.floor(this.random() * this.completed.length)];
    if (flow === 'read' && pick !== undefined) return { kind: 'read', target: pick };
    const refundable = pick !== undefined && pick.amount - pick.refunded >= REFUND_AMOUNT ? pick : undefined;
    if (flow === 'refund' && refundable !== undefined) return { kind: 'refund', target: refundable };
    return { kind: flow === 'card' ? 'create_card' : 'create_cash' };
  }

  private remember(completed: Completed): void {
    this.completed.push(completed);
    if (this.completed.length > COMPLETED_KEPT_MAX) this.completed.shift();
  }
}

function toRequest(step: Step, approvalNumber: () => string): MixRequest {
  const intents = '/v1/payment_intents';
  const post = (kind: RequestKind, path: string, body: unknown, expectedStatus: number): MixRequest => ({
    kind,
    method: 'POST',
    path,
    body: JSON.stringify(body),
    expectedStatus,
  });
  switch (step.kind) {
    case 'create_cash':
      return post(step.kind, intents, { amount: CASH.amount, mode: 'manual' }, 201);
    case 'create_card':
      return post(step.kind, intents, { amount: CARD.amount, mode: 'external' }, 201);
    case 'confirm_cash':
      return post(step.kind, `${intents}/${step.intentId}/confirm`, { payment_method: { type: 'cash', tendered: CASH.tendered } }, 200);
    case 'confirm_card':
      return post(step.kind, `${intents}/${step.intentId}/confirm`, { payment_method: { type: 'card' } }, 200);
    case 'card_result': {
      const body = simulateCardApp({ cardNumber: CARD.cardNumber, attemptId: step.attemptId, amount: CARD.amount, approvalNumber: approvalNumber() });
      return post(step.kind, `${intents}/${step.intentId}/card_result`, body, 200);
    }
    case 'refund':
      return post(step.kind, `${intents}/${step.target.id}/refunds`, { amount: REFUND_AMOUNT }, 201);
    case 'read':
      return { kind: 'read', method: 'GET', path: `${intents}/${step.target.id}`, body: undefined, expectedStatus: 200 };
  }
}

/** A status other than the flow expects; the body (a problem) is kept, shortened. */
export class UnexpectedAnswerError extends Error {
  override readonly name = 'UnexpectedAnswerError';
  constructor(
    readonly kind: RequestKind,
    readonly status: number,
    body: string,
  ) {
    super(`${kind}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

function field(body: string, name: string): string {
  const value = (JSON.parse(body) as Record<string, unknown>)[name];
  if (typeof value !== 'string') throw new Error(`the answer has no ${name}: ${body.slice(0, 200)}`);
  return value;
}

function nextActionAttempt(body: string): string {
  const parsed = JSON.parse(body) as { next_action?: { attempt_id?: unknown } | null };
  const attemptId = parsed.next_action?.attempt_id;
  if (typeof attemptId !== 'string') throw new Error(`confirm card answered without next_action.attempt_id: ${body.slice(0, 200)}`);
  return attemptId;
}
