/**
 * Refusals of the tenancy deciders. A `TenancyError` is an expected, business-level refusal of a
 * well-formed command (mapped to a 4xx problem by `command/`); a broken programmer assumption is an
 * `InvariantViolation` instead (mapped to a 500). The two are never mixed.
 *
 * The codes are a closed union so that the problem-details table in `command/` can be a
 * `Record<TenancyErrorCode, …>` that the compiler keeps complete. They are stable: never rename one.
 */
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
 * An expected refusal. `detail` is a human-readable sentence safe to show to the API client: it
 * never contains a secret, a ciphertext or a key.
 *
 * @example throw new TenancyError('tenancy.merchant_closed', 'Merchant mer_01H… is closed.');
 */
export class TenancyError extends Error {
  override readonly name = 'TenancyError';

  constructor(
    readonly code: TenancyErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** A programmer error: the caller broke a precondition the type system could not express. */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

/**
 * Fails loudly on a broken programmer assumption (never on a client's bad input).
 *
 * @example invariant(state.merchantId === command.data.merchantId, 'command routed to the wrong stream');
 */
export function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantViolation(message);
}
