/**
 * How attempt events change the state. Each function is total: an event that does not fit the
 * current status (which a stream written by `decide` never contains) leaves the state unchanged.
 */
import type {
  CashPaymentReceived,
  PaymentAttemptAmountMismatched,
  PaymentAttemptAuthorized,
  PaymentAttemptCompensated,
  PaymentAttemptFailed,
  PaymentAttemptOutcomeUnknown,
  PaymentAttemptQrIssued,
  PaymentAttemptStarted,
  PaymentAttemptSucceeded,
  PaymentAttemptSucceededAfterCancel,
  PaymentAttemptSucceededAfterFailure,
} from './events.js';
import { baseOf } from './state.js';
import type { ExistingPaymentIntent, PaymentAttempt, PaymentIntent, ProcessingPaymentIntent, RequiresActionPaymentIntent } from './state.js';

type Change = Partial<Omit<PaymentAttempt, 'attemptId'>>;

export function changeAttempt(attempts: readonly PaymentAttempt[], attemptId: string, change: Change): readonly PaymentAttempt[] {
  return attempts.map((attempt) => (attempt.attemptId === attemptId ? { ...attempt, ...change } : attempt));
}

type NewAttemptFields = Pick<PaymentAttempt, 'attemptId' | 'paymentMethodType' | 'status' | 'amount' | 'startedAt'>;

function newAttempt(fields: NewAttemptFields): PaymentAttempt {
  return { ...fields, tendered: null, qr: null, reported: null, failure: null, requiredCompensation: null, compensation: null };
}

/** The intent waiting on this attempt, if it is the active one. */
function activeFor(state: PaymentIntent, attemptId: string): RequiresActionPaymentIntent | ProcessingPaymentIntent | undefined {
  if (state.status !== 'requires_action' && state.status !== 'processing') return undefined;
  return state.activeAttemptId === attemptId ? state : undefined;
}

export function applyAttemptStarted(state: PaymentIntent, event: PaymentAttemptStarted): PaymentIntent {
  if (state.status !== 'pending') return state;
  const { attemptId, amount, paymentMethodType, occurredAt } = event.data;
  const startedAt = occurredAt;
  const attempt = newAttempt({ attemptId, paymentMethodType, status: 'requires_action', amount, startedAt });
  return {
    ...baseOf(state),
    status: 'requires_action',
    activeAttemptId: attemptId,
    attempts: [...state.attempts, attempt],
    lastPaymentError: null,
  };
}

export function applyQrIssued(state: PaymentIntent, event: PaymentAttemptQrIssued): PaymentIntent {
  const { attemptId, qr } = event.data;
  const active = activeFor(state, attemptId);
  if (active === undefined) return state;
  return { ...active, attempts: changeAttempt(active.attempts, attemptId, { qr }) };
}

export function applyCashReceived(state: PaymentIntent, event: CashPaymentReceived): PaymentIntent {
  if (state.status !== 'pending') return state;
  const { attemptId, amount, tendered, occurredAt } = event.data;
  const attempt: PaymentAttempt = {
    ...newAttempt({ attemptId, paymentMethodType: 'cash', status: 'succeeded', amount, startedAt: occurredAt }),
    tendered,
  };
  return {
    ...baseOf(state),
    status: 'completed',
    completedAt: occurredAt,
    capture: null,
    attempts: [...state.attempts, attempt],
    amountReceived: amount,
    lastPaymentError: null,
  };
}

export function applyAttemptSucceeded(state: PaymentIntent, event: PaymentAttemptSucceeded): PaymentIntent {
  const { attemptId, amount, details, occurredAt } = event.data;
  const active = activeFor(state, attemptId);
  if (active === undefined) return state;
  const reported = { outcome: 'succeeded', amount, details, captureBefore: null } as const;
  return {
    ...baseOf(active),
    status: 'completed',
    completedAt: occurredAt,
    capture: null,
    attempts: changeAttempt(active.attempts, attemptId, { status: 'succeeded', reported }),
    amountReceived: amount,
  };
}

export function applyAttemptAuthorized(state: PaymentIntent, event: PaymentAttemptAuthorized): PaymentIntent {
  const { attemptId, amountAuthorized, captureBefore, details } = event.data;
  const active = activeFor(state, attemptId);
  if (active === undefined) return state;
  const reported = { outcome: 'authorized', amount: amountAuthorized, details, captureBefore } as const;
  return {
    ...baseOf(active),
    status: 'requires_capture',
    authorizedAttemptId: attemptId,
    captureBefore,
    attempts: changeAttempt(active.attempts, attemptId, { status: 'authorized', reported }),
    amountCapturable: amountAuthorized,
  };
}

export function applyAttemptFailed(state: PaymentIntent, event: PaymentAttemptFailed): PaymentIntent {
  const { attemptId, error } = event.data;
  const active = activeFor(state, attemptId);
  if (active === undefined) return state;
  return {
    ...baseOf(active),
    status: 'pending',
    attempts: changeAttempt(active.attempts, attemptId, { status: 'failed', failure: error }),
    lastPaymentError: error,
  };
}

export function applyOutcomeUnknown(state: PaymentIntent, event: PaymentAttemptOutcomeUnknown): PaymentIntent {
  const { attemptId } = event.data;
  const active = activeFor(state, attemptId);
  if (active?.status !== 'requires_action') return state;
  return {
    ...baseOf(active),
    status: 'processing',
    activeAttemptId: attemptId,
    attempts: changeAttempt(active.attempts, attemptId, { status: 'processing' }),
  };
}

export function applyAmountMismatched(state: PaymentIntent, event: PaymentAttemptAmountMismatched): PaymentIntent {
  const { attemptId, reported, error, requiredCompensation } = event.data;
  const active = activeFor(state, attemptId);
  if (active === undefined) return state;
  const change = { status: 'compensation_required', reported, failure: error, requiredCompensation } as const;
  return {
    ...baseOf(active),
    status: 'pending',
    attempts: changeAttempt(active.attempts, attemptId, change),
    lastPaymentError: error,
  };
}

/** A late success changes only the attempt: the intent's status and amounts stay as they are. */
export function applyLateSuccess(state: PaymentIntent, event: PaymentAttemptSucceededAfterCancel | PaymentAttemptSucceededAfterFailure): PaymentIntent {
  if (state.status === 'absent') return state;
  const { attemptId, reported, requiredCompensation } = event.data;
  const change = { status: 'compensation_required', reported, requiredCompensation } as const;
  return withAttempts(state, changeAttempt(state.attempts, attemptId, change));
}

export function applyCompensated(state: PaymentIntent, event: PaymentAttemptCompensated): PaymentIntent {
  if (state.status === 'absent') return state;
  const { attemptId, method } = event.data;
  return withAttempts(state, changeAttempt(state.attempts, attemptId, { status: 'compensated', compensation: method }));
}

function withAttempts(state: ExistingPaymentIntent, attempts: readonly PaymentAttempt[]): ExistingPaymentIntent {
  return { ...state, attempts };
}
