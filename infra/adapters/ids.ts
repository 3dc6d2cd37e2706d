import { randomBytes, randomUUID } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID (48-bit millisecond time + 80 random bits, Crockford base32, 26 characters): sortable by
 * creation time, safe in URLs and as a provider merchant reference.
 * Example: `newUlid()` → `01JD3W8Q4ZK6T9X2M5N7P1R3S8`.
 */
export function newUlid(nowMs: number = Date.now()): string {
  let time = '';
  let remaining = nowMs;
  for (let index = 0; index < 10; index += 1) {
    time = (CROCKFORD[remaining % 32] ?? '0') + time;
    remaining = Math.floor(remaining / 32);
  }
  const random = randomBytes(16);
  let body = '';
  for (let index = 0; index < 16; index += 1) body += CROCKFORD[(random[index] ?? 0) % 32] ?? '0';
  return time + body;
}

/** `pi_…`, `mer_…`: a type prefix and a ULID (ARCHITECTURE.md §6). */
export function newPrefixedId(prefix: string): string {
  return `${prefix}_${newUlid()}`;
}

export function newUuid(): string {
  return randomUUID();
}
