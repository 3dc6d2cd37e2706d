/**
 * ConfirmPaymentIntent (payments.md T5–T7): each confirm starts a PaymentAttempt with its own id.
 * Cash completes at once; a card attempt launches the card app and a QR attempt shows the QR, both
 * waiting in `requires_action` for a result command. Guards, in precedence order:
 * ids/timestamps/tendered amount → intent exists → tendered currency → method fits the mode →
 * attempt id already used (same data → `[]`, other data → `attempt_id_conflict`) → status is
 * `pending` (one open attempt at a time) → tendered ≥ amount.
 */
import { Money } from '../shared/index.js';
import type { CashTender, ConfirmPaymentIntent } from './commands.js';
import { paymentIntentError } from './errors.js';
import type { CashPaymentReceived, PaymentAttemptStarted } from './events.js';
import { contextOf, invalidTransition, requireCurrency, requireExisting, requireIdentifiers, requireInstants, requireMode, requirePositiveAmount } from './guards.js';
import { findAttempt } from './state.js';
import type { PaymentAttempt, PaymentIntent, PendingPaymentIntent } from './state.js';

function isSameConfirm(attempt: PaymentAttempt, command: ConfirmPaymentIntent): boolean {
  const method = command.data.paymentMethod;
  if (attempt.paymentMethodType !== method.type) return false;
  if (method.type !== 'cash') return true;
  return attempt.tendered !== null && Money.equals(attempt.tendered, method.tendered);
}

function receiveCash(state: PendingPaymentIntent, command: ConfirmPaymentIntent, cash: CashTender): CashPaymentReceived {
  const tendered = Money.of(cash.tendered.amountMinor, cash.tendered.currency);
  if (Money.compare(tendered, state.amount) < 0) {
    throw paymentIntentError('payment_intent.tendered_less_than_amount', `Tendered ${tendered.amountMinor} is less than the ${state.amount.amountMinor} due.`);
  }
  return {
    type: 'CashPaymentReceived',
    data: {
      ...contextOf(state, command.data.now),
      attemptId: command.data.attemptId,
      amount: state.amount,
      tendered,
      change: Money.subtract(tendered, state.amount),
    },
  };
}

function startAttempt(state: PendingPaymentIntent, command: ConfirmPaymentIntent, type: 'card' | 'qr'): PaymentAttemptStarted {
  return {
    type: 'PaymentAttemptStarted',
    data: {
      ...contextOf(state, command.data.now),
      attemptId: command.data.attemptId,
      amount: state.amount,
      paymentMethodType: type,
      nextAction: type === 'card' ? 'launch_external_card_app' : 'display_qr',
    },
  };
}

export function confirmPaymentIntent(command: ConfirmPaymentIntent, state: PaymentIntent): (CashPaymentReceived | PaymentAttemptStarted)[] {
  const { data } = command;
  const method = data.paymentMethod;
  requireIdentifiers({ attemptId: data.attemptId });
  requireInstants({ now: data.now });
  if (method.type === 'cash') requirePositiveAmount(method.tendered, 'tendered');
  const existing = requireExisting(state, data.paymentIntentId);
  if (method.type === 'cash') requireCurrency(existing, method.tendered, 'tendered');
  requireMode(existing, method.type);
  const attempt = findAttempt(existing, data.attemptId);
  if (attempt !== undefined) {
    if (isSameConfirm(attempt, command)) return [];
    throw paymentIntentError('payment_intent.attempt_id_conflict', `${data.attemptId} was confirmed with other data.`);
  }
  if (existing.status !== 'pending') throw invalidTransition(existing, command.type);
  if (method.type === 'cash') return [receiveCash(existing, command, method)];
  return [startAttempt(existing, command, method.type)];
}
