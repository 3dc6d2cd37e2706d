import { isDuplicateReferenceError } from '../domain/clientReference/index.js';
import { isPaymentIntentError, type PaymentIntentErrorCode } from '../domain/paymentIntent/index.js';
import { isSettlementError, type SettlementErrorCode } from '../domain/settlement/index.js';
import { isTenancyError, type TenancyErrorCode } from '../domain/tenancy/index.js';
import type { UndecodableEventError } from '../schemas/events/index.js';
import { problem, type Problem } from '../schemas/problem.js';

/**
 * THE error→status table: the HTTP status of every domain refusal, per aggregate, each a `Record`
 * over its closed union of codes, so the compiler keeps it complete (a new code without a status
 * fails typecheck). 404 unknown, 409 the state forbids it now / the id was used differently, 422 a
 * well-formed command the business rules refuse (or a malformed one the edge schema should have caught).
 */
type RefusalStatus = 404 | 409 | 422;

const paymentIntentStatus: Readonly<Record<PaymentIntentErrorCode, RefusalStatus>> = {
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
  'payment_intent.qr_already_issued': 409,
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

const settlementStatus: Readonly<Record<SettlementErrorCode, RefusalStatus>> = {
  'settlement.invalid_id': 422,
  'settlement.invalid_provider': 422,
  'settlement.invalid_business_date': 422,
  'settlement.invalid_timestamp': 422,
  'settlement.batch_already_closed': 409,
  'settlement.business_day_not_over': 422,
};

const tenancyStatus: Readonly<Record<TenancyErrorCode, RefusalStatus>> = {
  'tenancy.invalid_id': 422,
  'tenancy.invalid_name': 422,
  'tenancy.invalid_reason': 422,
  'tenancy.invalid_hmac_key_id': 422,
  'tenancy.invalid_secret_digest': 422,
  'tenancy.invalid_time_zone': 422,
  'tenancy.invalid_cutoff': 422,
  'tenancy.invalid_business_date': 422,
  'tenancy.invalid_fee_rate': 422,
  'tenancy.invalid_fixed_fee': 422,
  'tenancy.invalid_currency': 422,
  'tenancy.invalid_credentials': 422,
  'tenancy.invalid_device_uuid': 422,
  'tenancy.invalid_public_key': 422,
  'tenancy.client_partner_not_found': 404,
  'tenancy.merchant_not_found': 404,
  'tenancy.store_not_found': 404,
  'tenancy.store_provider_config_not_found': 404,
  'tenancy.terminal_not_found': 404,
  'tenancy.client_partner_already_registered': 409,
  'tenancy.merchant_already_onboarded': 409,
  'tenancy.store_already_opened': 409,
  'tenancy.store_provider_config_already_configured': 409,
  'tenancy.terminal_already_registered': 409,
  'tenancy.hmac_key_id_reused': 409,
  'tenancy.secret_reused': 409,
  'tenancy.client_partner_not_active': 409,
  'tenancy.merchant_not_active': 409,
  'tenancy.merchant_closed': 409,
  'tenancy.store_not_open': 409,
  'tenancy.store_closed': 409,
  'tenancy.business_day_change_not_in_future': 409,
  'tenancy.business_day_changes_exhausted': 409,
  'tenancy.terminal_deactivated': 409,
  'tenancy.terminal_store_of_another_merchant': 409,
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
    const status = settlementStatus[error.code];
    return problem(status, error.code, TITLES[status] ?? 'Error', error.detail);
  }
  if (isTenancyError(error)) {
    const status = tenancyStatus[error.code];
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
