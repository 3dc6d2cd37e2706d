/**
 * What a reported attempt result means for the intent, whoever reported it (the card app through
 * the terminal, or the QR provider through a reactor). The report is first normalised by
 * `decideResult.ts`; here it is applied to the attempt it names:
 * - the ACTIVE attempt moves the intent (T9–T12): succeeded → completed, authorized →
 *   requires_capture, failed → pending with `lastPaymentError`, unknown → processing; a positive
 *   result for another amount is refused as an `AmountMismatched` that requires compensation;
 * - a positive result for a CLOSED attempt (failed, or canceled with its intent) is a late success:
 *   recorded, compensation required, the intent never reopened (payments.md §4.5 step 6);
 * - a re-report of what is recorded answers `[]`; a contradiction is `attempt_result_conflict`.
 */
import { Money } from '../shared/index.js';
import { paymentIntentError } from './errors.js';
import type { PaymentIntentError } from './errors.js';
import type { PaymentIntentContext, PaymentIntentEvent } from './events.js';
import { contextOf } from './guards.js';
import { findAttempt } from './state.js';
import type { ExistingPaymentIntent, PaymentAttempt } from './state.js';
import type { PaymentError, PaymentMethodDetails, PositiveOutcome, RequiredCompensation } from './vocabulary.js';

export type AttemptReport = Readonly<{ kind: 'positive'; outcome: PositiveOutcome }> | Readonly<{ kind: 'failed'; error: PaymentError }> | Readonly<{ kind: 'unknown' }>;

function isActive(state: ExistingPaymentIntent, attempt: PaymentAttempt): boolean {
  const waiting = state.status === 'requires_action' || state.status === 'processing';
  return waiting && state.activeAttemptId === attempt.attemptId;
}

function sameDetails(left: PaymentMethodDetails, right: PaymentMethodDetails): boolean {
  if (left.type === 'qr') return right.type === 'qr' && left.providerPaymentId === right.providerPaymentId;
  if (right.type === 'qr') return false;
  return left.approvalNumber === right.approvalNumber && left.slipNumber === right.slipNumber && left.maskedPan === right.maskedPan && left.brand === right.brand;
}

function samePositive(left: PositiveOutcome, right: PositiveOutcome): boolean {
  return left.outcome === right.outcome && Money.equals(left.amount, right.amount) && left.captureBefore === right.captureBefore && sameDetails(left.details, right.details);
}

function sameFailure(left: PaymentError, right: PaymentError): boolean {
  return left.type === right.type && left.code === right.code && left.declineCode === right.declineCode && left.message === right.message;
}

function conflict(attempt: PaymentAttempt): PaymentIntentError {
  return paymentIntentError('payment_intent.attempt_result_conflict', `Attempt ${attempt.attemptId} is ${attempt.status}; the reported result contradicts it.`);
}

function compensationFor(outcome: PositiveOutcome): RequiredCompensation {
  return outcome.outcome === 'authorized' ? 'void_authorization' : 'reverse_payment';
}

function onActivePositive(context: PaymentIntentContext, attempt: PaymentAttempt, reported: PositiveOutcome): PaymentIntentEvent {
  const attemptId = attempt.attemptId;
  if (!Money.equals(reported.amount, attempt.amount)) {
    const expected = attempt.amount.amountMinor;
    const error: PaymentError = {
      type: attempt.paymentMethodType === 'card' ? 'card_error' : 'provider_error',
      code: 'amount_mismatch',
      declineCode: null,
      message: `Reported ${reported.amount.amountMinor}, expected ${expected}; the attempt will be compensated.`,
      attemptId,
    };
    const requiredCompensation = compensationFor(reported);
    const data = { ...context, attemptId, amountExpected: attempt.amount, reported, error, requiredCompensation };
    return { type: 'PaymentAttemptAmountMismatched', data };
  }
  const { amount, details } = reported;
  if (reported.outcome === 'succeeded') {
    return { type: 'PaymentAttemptSucceeded', data: { ...context, attemptId, amount, details } };
  }
  const captureBefore = reported.captureBefore;
  return {
    type: 'PaymentAttemptAuthorized',
    data: { ...context, attemptId, amountAuthorized: amount, captureBefore, details },
  };
}

function onPositive(state: ExistingPaymentIntent, attempt: PaymentAttempt, reported: PositiveOutcome, now: string): PaymentIntentEvent[] {
  if (attempt.reported !== null) {
    if (samePositive(attempt.reported, reported)) return [];
    throw conflict(attempt);
  }
  const context = contextOf(state, now);
  if (isActive(state, attempt)) return [onActivePositive(context, attempt, reported)];
  const late = { ...context, attemptId: attempt.attemptId, reported, requiredCompensation: compensationFor(reported) };
  if (attempt.status === 'failed') return [{ type: 'PaymentAttemptSucceededAfterFailure', data: late }];
  if (attempt.status === 'canceled') return [{ type: 'PaymentAttemptSucceededAfterCancel', data: late }];
  throw conflict(attempt);
}

function onFailed(state: ExistingPaymentIntent, attempt: PaymentAttempt, error: PaymentError, now: string): PaymentIntentEvent[] {
  if (attempt.failure !== null && sameFailure(attempt.failure, error)) return [];
  if (isActive(state, attempt)) {
    const { attemptId, amount } = attempt;
    return [{ type: 'PaymentAttemptFailed', data: { ...contextOf(state, now), attemptId, amount, error } }];
  }
  // A provider shows FAILED once its cancel or our reversal took effect: nothing left to record.
  const moneyReturned = ['canceled', 'compensation_required', 'compensated'].includes(attempt.status);
  if (moneyReturned) return [];
  throw conflict(attempt);
}

function onUnknown(state: ExistingPaymentIntent, attempt: PaymentAttempt, now: string): PaymentIntentEvent[] {
  // "Unknown" is not an answer: it only moves the active attempt from requires_action to processing.
  if (state.status !== 'requires_action' || !isActive(state, attempt)) return [];
  const { attemptId, amount } = attempt;
  return [{ type: 'PaymentAttemptOutcomeUnknown', data: { ...contextOf(state, now), attemptId, amount } }];
}

export function decideAttemptReport(state: ExistingPaymentIntent, attemptId: string, report: AttemptReport, now: string): PaymentIntentEvent[] {
  const attempt = findAttempt(state, attemptId);
  if (attempt === undefined) {
    throw paymentIntentError('payment_intent.attempt_not_found', `No attempt ${attemptId} on this intent.`);
  }
  switch (report.kind) {
    case 'positive':
      return onPositive(state, attempt, report.outcome, now);
    case 'failed':
      return onFailed(state, attempt, { ...report.error, attemptId }, now);
    case 'unknown':
      return onUnknown(state, attempt, now);
  }
}
