/**
 * The PaymentIntent aggregate's state and its `evolve`: the fold of a stream's events into the
 * state `decide` works on. `evolve` is pure, synchronous and total: it never throws, never reads a
 * clock, and an event that does not fit the current status leaves the state unchanged (a recorded
 * event is a fact; only `decide` refuses).
 */
import { Money } from '../shared/index.js';
import type { PaymentIntentCreated, PaymentIntentEvent } from './events.js';
import {
  applyAmountMismatched,
  applyAttemptAuthorized,
  applyAttemptFailed,
  applyAttemptStarted,
  applyQrIssued,
  applyAttemptSucceeded,
  applyCashReceived,
  applyCompensated,
  applyLateSuccess,
  applyOutcomeUnknown,
} from './evolveAttempt.js';
import { applyCaptured, applyClosed, applyRefundFailed, applyRefundRequested, applyRefundSucceeded } from './evolveClosing.js';
import type { PaymentIntent } from './state.js';

export type * from './state.js';
export { baseOf, findAttempt, findRefund } from './state.js';

export function initialState(): PaymentIntent {
  return { status: 'absent' };
}

function applyCreated(state: PaymentIntent, event: PaymentIntentCreated): PaymentIntent {
  if (state.status !== 'absent') return state;
  const { occurredAt, ...data } = event.data;
  const zero = Money.zero(data.amount.currency);
  return {
    status: 'pending',
    paymentIntentId: data.paymentIntentId,
    amount: data.amount,
    mode: data.mode,
    provider: data.provider,
    captureMethod: data.captureMethod,
    clientPartnerId: data.clientPartnerId,
    merchantId: data.merchantId,
    storeId: data.storeId,
    terminalId: data.terminalId,
    clientReferenceId: data.clientReferenceId,
    createdAt: occurredAt,
    expiresAt: data.expiresAt,
    attempts: [],
    refunds: [],
    amountReceived: zero,
    amountCapturable: zero,
    lastPaymentError: null,
  };
}

export function evolve(state: PaymentIntent, event: PaymentIntentEvent): PaymentIntent {
  switch (event.type) {
    case 'PaymentIntentCreated':
      return applyCreated(state, event);
    case 'PaymentAttemptStarted':
      return applyAttemptStarted(state, event);
    case 'PaymentAttemptQrIssued':
      return applyQrIssued(state, event);
    case 'CashPaymentReceived':
      return applyCashReceived(state, event);
    case 'PaymentAttemptSucceeded':
      return applyAttemptSucceeded(state, event);
    case 'PaymentAttemptAuthorized':
      return applyAttemptAuthorized(state, event);
    case 'PaymentAttemptFailed':
      return applyAttemptFailed(state, event);
    case 'PaymentAttemptOutcomeUnknown':
      return applyOutcomeUnknown(state, event);
    case 'PaymentAttemptAmountMismatched':
      return applyAmountMismatched(state, event);
    case 'PaymentAttemptSucceededAfterCancel':
    case 'PaymentAttemptSucceededAfterFailure':
      return applyLateSuccess(state, event);
    case 'PaymentAttemptCompensated':
      return applyCompensated(state, event);
    case 'PaymentIntentCaptured':
      return applyCaptured(state, event);
    case 'PaymentIntentCanceled':
    case 'PaymentIntentExpired':
      return applyClosed(state, event);
    case 'RefundRequested':
      return applyRefundRequested(state, event);
    case 'RefundSucceeded':
      return applyRefundSucceeded(state, event);
    case 'RefundFailed':
      return applyRefundFailed(state, event);
    default:
      return ignoreUnknownEvent(state, event);
  }
}

/**
 * The compiler proves every event type is handled above (`event` is `never` here). A type added by
 * a newer writer and read by an older reader is a recorded fact: it is skipped, never thrown on.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- `event: never` is the exhaustiveness proof itself.
function ignoreUnknownEvent(state: PaymentIntent, event: never): PaymentIntent {
  return state;
}

/** Folds events from the initial state. @example fold(stream.map((e) => e.event)) */
export function fold(events: readonly PaymentIntentEvent[]): PaymentIntent {
  return events.reduce(evolve, initialState());
}
