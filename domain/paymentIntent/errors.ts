/**
 * The closed set of refusals of the PaymentIntent decider. Each code names one broken rule
 * (TigerBeetle's result codes); codes are stable and never renamed. `command/` maps each one to a
 * problem type and HTTP status through a `Record<PaymentIntentErrorCode, …>`, so the compiler keeps
 * that table complete. The meanings below double as problem titles.
 */
import { DomainError, isDomainError } from '../shared/index.js';

export const paymentIntentErrorMeanings = Object.freeze({
  // Malformed input the edge schema should already have refused.
  'payment_intent.invalid_id': 'An id is not 1–64 characters of [A-Za-z0-9_-].',
  'payment_intent.invalid_timestamp': 'A timestamp is not canonical ISO 8601 UTC with milliseconds.',
  'payment_intent.invalid_amount': 'An amount is not a safe integer of at least 1 minor unit.',
  'payment_intent.currency_mismatch': "An amount's currency differs from the intent's currency.",
  'payment_intent.card_number_not_masked': 'A card number is not masked to at most the first 8 and last 4 digits.',
  // Creation.
  'payment_intent.provider_mismatch': 'A QR intent needs a provider; cash and card intents must not name one.',
  'payment_intent.capture_method_not_supported': 'Cash intents cannot use manual capture.',
  'payment_intent.invalid_expiry': 'The expiry is not after the creation time.',
  'payment_intent.already_exists': 'The intent id was already used with different data.',
  // Placement (the tenancy facts of a create; the codes are the tenancy ones, stable on the API).
  'tenancy.store_not_found': "The store does not exist or is not the caller's.",
  'tenancy.store_closed': 'The store is closed.',
  'tenancy.merchant_not_active': "The store's merchant is suspended or closed.",
  'tenancy.terminal_not_found': "The terminal is not one of the store's terminals.",
  'tenancy.terminal_deactivated': 'The terminal is deactivated.',
  // Existence and applicability.
  'payment_intent.not_found': 'The intent has not been created.',
  'payment_intent.mode_mismatch': "The command does not apply to the intent's payment mode.",
  'payment_intent.invalid_state_transition': 'The command is not allowed in the current status.',
  // Attempts.
  'payment_intent.attempt_id_conflict': 'The attempt id was already used with different data.',
  'payment_intent.attempt_not_found': 'No attempt with this id exists on the intent.',
  'payment_intent.qr_already_issued': 'Another QR was already recorded for the attempt.',
  'payment_intent.attempt_result_conflict': 'The reported result contradicts the one already recorded for the attempt.',
  'payment_intent.tendered_less_than_amount': 'The cash tendered is less than the amount due.',
  'payment_intent.capture_deadline_required': 'An authorization for a manual-capture intent must say when it expires.',
  'payment_intent.authorization_not_requested': 'The provider authorized an intent that captures automatically.',
  'payment_intent.attempt_not_compensable': 'The attempt does not require this compensation.',
  // Capture, cancel, expiry.
  'payment_intent.amount_exceeds_authorized': 'The amount to capture exceeds the amount capturable.',
  'payment_intent.authorization_expired': 'The authorization expired; it can no longer be captured.',
  'payment_intent.already_captured': 'The intent was already captured with a different amount.',
  'payment_intent.already_canceled': 'The intent was already canceled for another reason.',
  'payment_intent.outcome_pending': 'An attempt outcome is unknown; resolve it, or have the provider accept a cancel.',
  'payment_intent.not_yet_expired': 'The expiry deadline has not passed.',
  // Refunds.
  'payment_intent.refund_id_conflict': 'The refund id was already used with different data.',
  'payment_intent.refund_not_found': 'No refund with this id exists on the intent.',
  'payment_intent.refund_exceeds_received': 'Pending and succeeded refunds would exceed the amount received.',
  'payment_intent.refund_result_conflict': 'The reported refund result contradicts the one already recorded.',
} as const);

export type PaymentIntentErrorCode = keyof typeof paymentIntentErrorMeanings;

export type PaymentIntentError = DomainError<PaymentIntentErrorCode>;

export function paymentIntentError(code: PaymentIntentErrorCode, detail: string): PaymentIntentError {
  return new DomainError(code, detail);
}

export function isPaymentIntentError(error: unknown): error is PaymentIntentError {
  return isDomainError(error) && Object.hasOwn(paymentIntentErrorMeanings, error.code);
}
