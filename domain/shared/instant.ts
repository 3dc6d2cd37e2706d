/**
 * Instants are ISO 8601 UTC strings with exactly millisecond precision, the form
 * `Date.prototype.toISOString()` produces at the edge: `2025-06-01T10:00:00.000Z`.
 *
 * Requiring this one canonical form lets the domain order instants by plain string comparison,
 * without parsing and without reading a clock. A looser form (no milliseconds, an offset) would
 * sort wrongly, so it is refused before it can be stored.
 */
const canonicalInstantPattern = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** An instant in canonical form (see the module comment). */
export type IsoInstant = string;

export function isIsoInstant(value: string): value is IsoInstant {
  return canonicalInstantPattern.test(value);
}

/** True when `instant` is at `deadline` or later. Both must be canonical (see `isIsoInstant`). */
export function isAtOrAfter(instant: IsoInstant, deadline: IsoInstant): boolean {
  return instant >= deadline;
}
