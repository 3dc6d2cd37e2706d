/**
 * Opaque ids for report rows that have no id of their own (aggregates): the row's sort key,
 * JSON-encoded in base64url behind a prefix that names the list. Passing a row's id as
 * `starting_after` continues the list after that row (keyset pagination, stable under inserts).
 */

/** A cursor that is not one of this list's row ids. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** @example encodeRowCursor('sls', ['2025-06-01', 'str_…']) === 'sls_WyIyMDI1LTA2LTAxIiwic3RyX…' */
export function encodeRowCursor(prefix: string, key: readonly string[]): string {
  return `${prefix}_${Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')}`;
}

/** The key of a row id made by `encodeRowCursor(prefix, …)` with `length` parts; throws InvalidCursorError otherwise. */
export function decodeRowCursor(prefix: string, length: number, cursor: string): string[] {
  const body = cursor.startsWith(`${prefix}_`) ? cursor.slice(prefix.length + 1) : undefined;
  let key: unknown;
  try {
    key = body === undefined ? undefined : JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== length || !key.every((part) => typeof part === 'string')) {
    throw new InvalidCursorError('starting_after is not the id of a row of this list');
  }
  return key;
}

/** A bigint column or sum, which PostgreSQL sends as decimal text, as a JSON-safe integer. */
export function toSafeInteger(text: string | number | bigint | null): number {
  const value = Number(text ?? 0);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${String(text)} is not a safe integer`);
  return value;
}
