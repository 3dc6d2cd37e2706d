/**
 * RecordAttemptCompensation: a reactor reports that the money of an attempt requiring
 * compensation (a late success, or a success for another amount) went back to the customer.
 * Allowed in any status, canceled included: compensation is the one thing a closed intent still
 * records. Guards, in precedence order: ids/timestamp → intent exists → attempt exists → already
 * compensated (same method → `[]`, other method → `attempt_result_conflict`) → the attempt requires
 * compensation, and the method settles what it requires (a void for a hold; a reversal or a refund
 * for taken money).
 */
import type { RecordAttemptCompensation } from './commands.js';
import { paymentIntentError } from './errors.js';
import type { PaymentAttemptCompensated } from './events.js';
import { contextOf, requireExisting, requireIdentifiers, requireInstants } from './guards.js';
import { findAttempt } from './state.js';
import type { PaymentIntent } from './state.js';
import { compensationMethodsByRequirement } from './vocabulary.js';
import type { CompensationMethod } from './vocabulary.js';

export function recordAttemptCompensation(command: RecordAttemptCompensation, state: PaymentIntent): PaymentAttemptCompensated[] {
  const { data } = command;
  requireIdentifiers({ attemptId: data.attemptId });
  requireInstants({ now: data.now });
  const existing = requireExisting(state, data.paymentIntentId);
  const attempt = findAttempt(existing, data.attemptId);
  if (attempt === undefined) {
    throw paymentIntentError('payment_intent.attempt_not_found', `No attempt ${data.attemptId} on this intent.`);
  }
  if (attempt.status === 'compensated') {
    if (attempt.compensation === data.method) return [];
    throw paymentIntentError('payment_intent.attempt_result_conflict', `Already compensated (${String(attempt.compensation)}).`);
  }
  const required = attempt.status === 'compensation_required' ? attempt.requiredCompensation : null;
  const settles: readonly CompensationMethod[] = required === null ? [] : compensationMethodsByRequirement[required];
  if (!settles.includes(data.method)) {
    throw paymentIntentError('payment_intent.attempt_not_compensable', `Attempt ${data.attemptId} is ${attempt.status}; ${data.method} does not apply.`);
  }
  const amount = attempt.reported?.amount ?? attempt.amount;
  return [
    {
      type: 'PaymentAttemptCompensated',
      data: { ...contextOf(existing, data.now), attemptId: data.attemptId, amount, method: data.method },
    },
  ];
}
