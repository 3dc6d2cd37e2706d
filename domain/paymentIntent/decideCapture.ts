/**
 * CapturePaymentIntent (payments.md T13): full or partial, once, only from `requires_capture`.
 * The uncaptured remainder of the hold is released (TigerBeetle's partial post). Guards, in
 * precedence order: timestamp/amount → intent exists → currency → already captured (same amount →
 * `[]`, other amount → `already_captured`) → status is `requires_capture` → the authorization has
 * not expired → amount ≤ amount capturable.
 */
import { Money, isAtOrAfter } from '../shared/index.js';
import type { CapturePaymentIntent } from './commands.js';
import { paymentIntentError } from './errors.js';
import type { PaymentIntentCaptured } from './events.js';
import { contextOf, invalidTransition, requireCurrency, requireExisting, requireInstants, requirePositiveAmount } from './guards.js';
import type { Capture, PaymentIntent } from './state.js';

/** `null` asks for everything that was capturable, so it repeats a full capture. */
function isSameCapture(capture: Capture, amountToCapture: Money | null): boolean {
  const asked = amountToCapture ?? capture.amountAuthorized;
  return Money.equals(capture.amountCaptured, asked);
}

export function capturePaymentIntent(command: CapturePaymentIntent, state: PaymentIntent): PaymentIntentCaptured[] {
  const { data } = command;
  requireInstants({ now: data.now });
  const asked = data.amountToCapture === null ? null : requirePositiveAmount(data.amountToCapture, 'amountToCapture');
  const existing = requireExisting(state, data.paymentIntentId);
  if (asked !== null) requireCurrency(existing, asked, 'amountToCapture');
  if (existing.status === 'completed' && existing.capture !== null) {
    if (isSameCapture(existing.capture, asked)) return [];
    throw paymentIntentError('payment_intent.already_captured', 'An authorization is captured once.');
  }
  if (existing.status !== 'requires_capture') throw invalidTransition(existing, command.type);
  if (isAtOrAfter(data.now, existing.captureBefore)) {
    throw paymentIntentError('payment_intent.authorization_expired', `The hold expired at ${existing.captureBefore}.`);
  }
  const amountCaptured = asked ?? existing.amountCapturable;
  if (Money.compare(amountCaptured, existing.amountCapturable) > 0) {
    throw paymentIntentError('payment_intent.amount_exceeds_authorized', `${amountCaptured.amountMinor} exceeds the ${existing.amountCapturable.amountMinor} capturable.`);
  }
  const event: PaymentIntentCaptured = {
    type: 'PaymentIntentCaptured',
    data: {
      ...contextOf(existing, data.now),
      attemptId: existing.authorizedAttemptId,
      amountAuthorized: existing.amountCapturable,
      amountCaptured,
      amountReleased: Money.subtract(existing.amountCapturable, amountCaptured),
    },
  };
  return [event];
}
