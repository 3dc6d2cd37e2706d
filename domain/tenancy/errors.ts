/**
 * Refusals of the tenancy deciders. A `TenancyError` is a `DomainError`: an expected, business-level
 * refusal of a well-formed command (mapped to a 4xx problem at the HTTP edge); a broken programmer
 * assumption is an `assert` failure instead (`AssertionFailedError`, a 500). The two are never mixed.
 *
 * The codes are a closed union so that the error→status table at the HTTP edge
 * (command/http/domainProblems.ts) is a `Record<TenancyErrorCode, …>` the compiler keeps complete.
 * They are stable: never rename one.
 */
import { DomainError } from '../shared/domainError.js';

export type TenancyErrorCode =
  // The command is malformed in a way the edge schema should already have caught.
  | 'tenancy.invalid_id'
  | 'tenancy.invalid_name'
  | 'tenancy.invalid_reason'
  | 'tenancy.invalid_hmac_key_id'
  | 'tenancy.invalid_secret_digest'
  | 'tenancy.invalid_time_zone'
  | 'tenancy.invalid_cutoff'
  | 'tenancy.invalid_business_date'
  | 'tenancy.invalid_fee_rate'
  | 'tenancy.invalid_fixed_fee'
  | 'tenancy.invalid_currency'
  | 'tenancy.invalid_credentials'
  | 'tenancy.invalid_device_uuid'
  | 'tenancy.invalid_public_key'
  // The entity does not exist yet (404).
  | 'tenancy.client_partner_not_found'
  | 'tenancy.merchant_not_found'
  | 'tenancy.store_not_found'
  | 'tenancy.store_provider_config_not_found'
  | 'tenancy.terminal_not_found'
  // A creation command was re-issued with a payload other than the recorded one (409).
  | 'tenancy.client_partner_already_registered'
  | 'tenancy.merchant_already_onboarded'
  | 'tenancy.store_already_opened'
  | 'tenancy.store_provider_config_already_configured'
  | 'tenancy.terminal_already_registered'
  // Illegal transitions and business-rule refusals (409 / 422).
  | 'tenancy.hmac_key_id_reused'
  | 'tenancy.secret_reused'
  | 'tenancy.client_partner_not_active'
  | 'tenancy.merchant_not_active'
  | 'tenancy.merchant_closed'
  | 'tenancy.store_not_open'
  | 'tenancy.store_closed'
  | 'tenancy.business_day_change_not_in_future'
  | 'tenancy.business_day_changes_exhausted'
  | 'tenancy.terminal_deactivated'
  | 'tenancy.terminal_store_of_another_merchant';

/**
 * An expected refusal: a `DomainError` of the tenancy codes (one error family for every aggregate).
 * `detail` is a human-readable sentence safe to show to the API client: it never contains a
 * secret, a ciphertext or a key. A broken programmer assumption is an `assert` failure instead.
 *
 * @example throw new TenancyError('tenancy.merchant_closed', 'Merchant mer_01H… is closed.');
 */
export class TenancyError extends DomainError<TenancyErrorCode> {}

export const isTenancyError = (value: unknown): value is TenancyError => value instanceof TenancyError;
