/**
 * Values derived from the state rather than stored, so they can never disagree with it:
 * Stripe's `amount_refunded`, the refundable remainder, and `refund_status` (none, partial, full).
 */
import { Money } from '../shared/index.js';
import type { ExistingPaymentIntent, PaymentAttempt, RefundStatus } from './state.js';

function sumRefunds(state: ExistingPaymentIntent, statuses: readonly RefundStatus[]): Money {
  const amounts = state.refunds.filter((refund) => statuses.includes(refund.status)).map((refund) => refund.amount);
  return Money.sum(amounts, state.amount.currency);
}

/** Σ succeeded refunds (Stripe's `amount_refunded`). */
export function amountRefunded(state: ExistingPaymentIntent): Money {
  return sumRefunds(state, ['succeeded']);
}

/** Σ refunds still waiting for the provider. */
export function amountRefundPending(state: ExistingPaymentIntent): Money {
  return sumRefunds(state, ['pending']);
}

/** Σ(pending + succeeded refunds): what invariant I4 bounds by `amountReceived`. */
export function amountRefundCommitted(state: ExistingPaymentIntent): Money {
  return sumRefunds(state, ['pending', 'succeeded']);
}

/** What a new refund may still take: `amountReceived − Σ(pending + succeeded refunds)`. */
export function amountRefundable(state: ExistingPaymentIntent): Money {
  return Money.subtract(state.amountReceived, amountRefundCommitted(state));
}

export type IntentRefundStatus = 'none' | 'partial' | 'full';

/** `full` once succeeded refunds equal the amount received; pending refunds do not count. */
export function refundStatus(state: ExistingPaymentIntent): IntentRefundStatus {
  const refunded = amountRefunded(state);
  if (refunded.amountMinor === 0) return 'none';
  return Money.equals(refunded, state.amountReceived) ? 'full' : 'partial';
}

/** Attempts whose money went to the customer's side but must be given back. */
export function attemptsRequiringCompensation(state: ExistingPaymentIntent): readonly PaymentAttempt[] {
  return state.attempts.filter((attempt) => attempt.status === 'compensation_required');
}
