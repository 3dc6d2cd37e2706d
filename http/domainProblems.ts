import { isDuplicateReferenceError } from '../domain/clientReference/index.js';
import { isPaymentIntentError, type PaymentIntentErrorCode } from '../domain/paymentIntent/index.js';
import { isSettlementError, settlementErrorStatus } from '../domain/settlement/index.js';
import { TenancyError } from '../domain/tenancy/index.js';
import type { UndecodableEventError } from '../schemas/events/index.js';
import { problem, type Problem } from '../schemas/problem.js';

/**
 * The HTTP status of every PaymentIntent refusal; a `Record`, so the compiler keeps it complete.
 * 404 unknown, 409 the state forbids it now / the id was used differently, 422 a well-formed
 * command the business rules refuse.
 */
const paymentIntentStatus: Record<PaymentIntentErrorCode, 404 | 409 | 422> = {
  'payment_intent.invalid_id': 422,
  'payment_intent.invalid_timestamp': 422,
  'payment_intent.invalid_amount': 422,
  'payment_intent.currency_mismatch': 422,
  'payment_intent.card_number_not_masked': 422,
  'payment_intent.provider_mismatch': 422,
  'payment_intent.capture_method_not_supported': 422,
  'payment_intent.invalid_expiry': 422,
  'payment_intent.already_exists': 409,
  'tenancy.store_not_found': 404,
  'tenancy.store_closed': 409,
  'tenancy.merchant_not_active': 409,
  'tenancy.terminal_not_found': 404,
  'tenancy.terminal_deactivated': 409,
  'payment_intent.not_found': 404,
  'payment_intent.mode_mismatch': 409,
  'payment_intent.invalid_state_transition': 409,
  'payment_intent.attempt_id_conflict': 409,
  'payment_intent.attempt_not_found': 404,
  'payment_intent.attempt_result_conflict': 409,
  'payment_intent.tendered_less_than_amount': 422,
  'payment_intent.capture_deadline_required': 422,
  'payment_intent.authorization_not_requested': 422,
  'payment_intent.attempt_not_compensable': 409,
  'payment_intent.amount_exceeds_authorized': 422,
  'payment_intent.authorization_expired': 409,
  'payment_intent.already_captured': 409,
  'payment_intent.already_canceled': 409,
  'payment_intent.outcome_pending': 409,
  'payment_intent.not_yet_expired': 409,
  'payment_intent.refund_id_conflict': 409,
  'payment_intent.refund_not_found': 404,
  'payment_intent.refund_exceeds_received': 422,
  'payment_intent.refund_result_conflict': 409,
};

const TITLES: Record<number, string> = { 404: 'Not Found', 409: 'Conflict', 422: 'Unprocessable Content' };

/** The problem for an expected refusal (a domain error), or undefined for anything else. */
export function domainProblem(error: unknown): Problem | undefined {
  if (isPaymentIntentError(error)) {
    const status = paymentIntentStatus[error.code];
    return problem(status, error.code, TITLES[status] ?? 'Error', error.detail);
  }
  if (isDuplicateReferenceError(error)) {
    return problem(409, error.code, 'Conflict', `${error.detail}; GET that intent instead`);
  }
  if (isSettlementError(error)) {
    const status = settlementErrorStatus[error.code];
    return problem(status, error.code, TITLES[status] ?? 'Error', error.detail);
  }
  if (error instanceof TenancyError) {
    const status = error.code.endsWith('_not_found') ? 404 : error.code.includes('.invalid_') ? 422 : 409;
    return problem(status, error.code, TITLES[status] ?? 'Error', error.detail);
  }
  return undefined;
}

/**
 * A stored event of the resource cannot be decoded (unknown schema version, malformed payload):
 * 500 `stored_event_undecodable`, nothing appended. The client sees no internals; the log line
 * (`storedEventLogFields`) names the stream and revision for the operator.
 */
export function undecodableEventProblem(error: UndecodableEventError): Problem {
  return problem(500, error.code, 'Internal Server Error', 'a stored event of this resource cannot be read; nothing was changed. Operators have been alerted.');
}

/** What to log about an undecodable stored event. */
export function storedEventLogFields(error: UndecodableEventError): Readonly<Record<string, string | number>> {
  return { code: error.code, stream: error.stream, revision: error.revision, eventId: error.eventId, eventType: error.eventType, schemaVersion: error.schemaVersion };
}
