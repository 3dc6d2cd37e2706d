/**
 * Guards shared by the tenancy deciders for free-text and timestamp fields. Names and reasons are
 * shown in portals, receipts and audit trails, so they must be non-blank, bounded and free of
 * control characters; the edge schema enforces the same limits.
 */
import { isInstant } from '../businessDay/index.js';
import { assert } from '../shared/domainError.js';
import { TenancyError } from './errors.js';

export const NAME_LENGTH_MAX = 200;
export const REASON_LENGTH_MAX = 500;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f]/;

const isCleanText = (value: string, lengthMax: number): boolean => value.trim().length > 0 && value.length <= lengthMax && !controlCharacters.test(value);

/** @example requireName(command.data.displayName, 'display name') */
export function requireName(value: string, field: string): void {
  if (isCleanText(value, NAME_LENGTH_MAX)) return;
  throw new TenancyError('tenancy.invalid_name', `The ${field} must be 1 to ${NAME_LENGTH_MAX} characters, not blank, without control characters.`);
}

/** @example requireReason(command.data.reason) */
export function requireReason(value: string): void {
  if (isCleanText(value, REASON_LENGTH_MAX)) return;
  throw new TenancyError('tenancy.invalid_reason', `The reason must be 1 to ${REASON_LENGTH_MAX} characters, not blank, without control characters.`);
}

/**
 * `now` comes from the command handler's clock, never from the client, so a malformed one is a
 * programmer error rather than a refusal.
 *
 * @example assertNow(command.data.now)
 */
export function assertNow(now: string): void {
  assert(isInstant(now), `now must be an ISO-8601 UTC instant such as 2024-06-01T03:00:00Z, got "${now}"`);
}
