/**
 * CancelPaymentIntent (T15–T18) and ExpirePaymentIntent (T18, T19). Both close the intent as
 * `canceled`; the open or authorized attempt is closed with it and any hold is released. A result
 * that later arrives for that attempt is a late success, compensated, never a reopening.
 *
 * Cancel guards, in precedence order: timestamp → intent exists → already canceled (same reason →
 * `[]`, otherwise `already_canceled`) → not completed → out of `processing` only for a QR intent
 * whose provider accepted a cancel (T17).
 * Expire guards: timestamp → intent exists → already canceled (`[]`, the sweeper's goal holds) →
 * not completed → not `processing` (T19: resolve the unknown outcome first) → the deadline passed
 * (`captureBefore` for a hold, `expiresAt` otherwise).
 */
import { isAtOrAfter } from '../shared/index.js';
import type { CancelPaymentIntent, ExpirePaymentIntent } from './commands.js';
import { paymentIntentError } from './errors.js';
import type { PaymentIntentError } from './errors.js';
import type { PaymentIntentCanceled, PaymentIntentExpired } from './events.js';
import { contextOf, invalidTransition, requireExisting, requireInstants } from './guards.js';
import type { PaymentIntent, PendingPaymentIntent, ProcessingPaymentIntent, RequiresActionPaymentIntent, RequiresCapturePaymentIntent } from './state.js';

type Closable = PendingPaymentIntent | RequiresActionPaymentIntent | ProcessingPaymentIntent | RequiresCapturePaymentIntent;

function closedAttemptId(state: Closable): string | null {
  switch (state.status) {
    case 'pending':
      return null;
    case 'requires_capture':
      return state.authorizedAttemptId;
    case 'requires_action':
    case 'processing':
      return state.activeAttemptId;
  }
}

function closing(state: Closable, now: string): Omit<PaymentIntentCanceled['data'], 'cancellationReason'> {
  return {
    ...contextOf(state, now),
    amount: state.amount,
    statusBefore: state.status,
    attemptId: closedAttemptId(state),
    amountReleased: state.amountCapturable,
  };
}

function outcomePending(): PaymentIntentError {
  return paymentIntentError('payment_intent.outcome_pending', 'The attempt outcome is unknown: resolve it, or cancel a QR attempt at the provider first.');
}

export function cancelPaymentIntent(command: CancelPaymentIntent, state: PaymentIntent): PaymentIntentCanceled[] {
  const { data } = command;
  requireInstants({ now: data.now });
  const existing = requireExisting(state, data.paymentIntentId);
  if (existing.status === 'canceled') {
    if (existing.cancellationReason === data.reason) return [];
    throw paymentIntentError('payment_intent.already_canceled', `Already canceled (${existing.cancellationReason}).`);
  }
  if (existing.status === 'completed') throw invalidTransition(existing, command.type);
  if (existing.status === 'processing') {
    const reversible = existing.mode === 'pgw_processed' && data.providerCancelAccepted;
    if (!reversible) throw outcomePending();
  }
  return [{ type: 'PaymentIntentCanceled', data: { ...closing(existing, data.now), cancellationReason: data.reason } }];
}

export function expirePaymentIntent(command: ExpirePaymentIntent, state: PaymentIntent): PaymentIntentExpired[] {
  const { data } = command;
  requireInstants({ now: data.now });
  const existing = requireExisting(state, data.paymentIntentId);
  if (existing.status === 'canceled') return [];
  if (existing.status === 'completed') throw invalidTransition(existing, command.type);
  if (existing.status === 'processing') throw outcomePending();
  const deadline = existing.status === 'requires_capture' ? existing.captureBefore : existing.expiresAt;
  if (!isAtOrAfter(data.now, deadline)) {
    throw paymentIntentError('payment_intent.not_yet_expired', `The deadline is ${deadline}.`);
  }
  const cancellationReason = existing.status === 'requires_capture' ? 'automatic' : 'expired';
  return [{ type: 'PaymentIntentExpired', data: { ...closing(existing, data.now), cancellationReason } }];
}
