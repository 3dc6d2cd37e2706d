/**
 * How capture, cancel, expiry and refund events change the state. Total, like every `evolve`
 * function: an event that does not fit the current status leaves the state unchanged. No
 * arithmetic happens here; every amount is taken from the event, so `evolve` cannot throw.
 */
import { Money } from '../shared/index.js';
import type { PaymentIntentCanceled, PaymentIntentCaptured, PaymentIntentExpired, RefundFailed, RefundRequested, RefundSucceeded } from './events.js';
import { changeAttempt } from './evolveAttempt.js';
import { baseOf } from './state.js';
import type { PaymentIntent, Refund } from './state.js';

export function applyCaptured(state: PaymentIntent, event: PaymentIntentCaptured): PaymentIntent {
  if (state.status !== 'requires_capture') return state;
  const { attemptId, amountAuthorized, amountCaptured, amountReleased, occurredAt } = event.data;
  return {
    ...baseOf(state),
    status: 'completed',
    completedAt: occurredAt,
    capture: { attemptId, amountAuthorized, amountCaptured, amountReleased, capturedAt: occurredAt },
    attempts: changeAttempt(state.attempts, attemptId, { status: 'succeeded' }),
    amountReceived: amountCaptured,
    amountCapturable: Money.zero(state.amount.currency),
  };
}

export function applyClosed(state: PaymentIntent, event: PaymentIntentCanceled | PaymentIntentExpired): PaymentIntent {
  if (state.status === 'absent' || state.status === 'completed' || state.status === 'canceled') return state;
  const { attemptId, cancellationReason, occurredAt } = event.data;
  const attempts = attemptId === null ? state.attempts : changeAttempt(state.attempts, attemptId, { status: 'canceled' });
  return {
    ...baseOf(state),
    status: 'canceled',
    canceledAt: occurredAt,
    cancellationReason,
    attempts,
    amountCapturable: Money.zero(state.amount.currency),
  };
}

export function applyRefundRequested(state: PaymentIntent, event: RefundRequested): PaymentIntent {
  if (state.status !== 'completed') return state;
  const { refundId, amount, reason, occurredAt } = event.data;
  const refund: Refund = {
    refundId,
    amount,
    reason,
    status: 'pending',
    requestedAt: occurredAt,
    providerRefundId: null,
    failureReason: null,
  };
  return { ...state, refunds: [...state.refunds, refund] };
}

function changePendingRefund(state: PaymentIntent, refundId: string, change: Partial<Refund>): PaymentIntent {
  if (state.status !== 'completed') return state;
  const refunds = state.refunds.map((refund) => (refund.refundId === refundId && refund.status === 'pending' ? { ...refund, ...change } : refund));
  return { ...state, refunds };
}

export function applyRefundSucceeded(state: PaymentIntent, event: RefundSucceeded): PaymentIntent {
  const { refundId, providerRefundId } = event.data;
  return changePendingRefund(state, refundId, { status: 'succeeded', providerRefundId });
}

export function applyRefundFailed(state: PaymentIntent, event: RefundFailed): PaymentIntent {
  const { refundId, failureReason } = event.data;
  return changePendingRefund(state, refundId, { status: 'failed', failureReason });
}
