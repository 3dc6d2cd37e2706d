/**
 * Deterministic ids of journal rows (payments.md b.1): every entry and posting id is a UUIDv5
 * (RFC 9562 §5.5) of the source event's id, so replaying or rebuilding the journal yields the same
 * ids and `INSERT … ON CONFLICT DO NOTHING` turns a replay into "exists", never a duplicate.
 */
import { hash } from 'node:crypto';

/** The UUIDv5 namespace of MPAC Ledger journal rows (fixed forever: changing it changes every id). */
export const JOURNAL_ID_NAMESPACE = '0bca0025-424b-42c4-8923-6ab6870bf007';

export function uuidFromNamespace(namespace: string): Buffer {
  return Buffer.from(namespace.replaceAll('-', ''), 'hex');
}

const namespaceBytes = uuidFromNamespace(JOURNAL_ID_NAMESPACE);

/** Reused for the hash input (namespace ‖ name): ids are made one at a time, synchronously. */
let scratch = Buffer.alloc(256);
const VARIANT_DIGITS = '89ab';

/**
 * UUIDv5 of `name` in `namespace` (SHA-1, version and variant bits per RFC 9562). The journal makes
 * about one per posting and entry, so the input is written into a reused buffer and hashed in one
 * call; the version nibble is then '5' and the variant's top bits '10' (digit 8, 9, a or b).
 */
export function uuidV5(namespace: Buffer, name: string): string {
  const needed = namespace.length + Buffer.byteLength(name, 'utf8');
  if (needed > scratch.length) scratch = Buffer.alloc(2 * needed);
  namespace.copy(scratch, 0);
  scratch.write(name, namespace.length, 'utf8');
  const hex = hash('sha1', scratch.subarray(0, needed), 'hex');
  const variant = VARIANT_DIGITS[Number.parseInt(hex.charAt(16), 16) & 0x3] ?? '8';
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The id of posting `leg` (numbered across all entries of the event) made from event `eventId`. */
export function postingId(eventId: string, leg: number): string {
  return uuidV5(namespaceBytes, `${eventId}:${leg}`);
}

/** The id of the `entryIndex`-th journal entry made from event `eventId`. */
export function entryId(eventId: string, entryIndex: number): string {
  return uuidV5(namespaceBytes, `${eventId}:entry:${entryIndex}`);
}
