/**
 * Deterministic ids of journal rows (payments.md b.1): every entry and posting id is a UUIDv5
 * (RFC 9562 §5.5) of the source event's id, so replaying or rebuilding the journal yields the same
 * ids and `INSERT … ON CONFLICT DO NOTHING` turns a replay into "exists", never a duplicate.
 */
import { createHash } from 'node:crypto';

/** The UUIDv5 namespace of MPAC Ledger journal rows (fixed forever: changing it changes every id). */
export const JOURNAL_ID_NAMESPACE = '0bca0025-424b-42c4-8923-6ab6870bf007';

export function uuidFromNamespace(namespace: string): Buffer {
  return Buffer.from(namespace.replaceAll('-', ''), 'hex');
}

const namespaceBytes = uuidFromNamespace(JOURNAL_ID_NAMESPACE);

/** UUIDv5 of `name` in `namespaceBytes` (SHA-1, version and variant bits per RFC 9562). */
export function uuidV5(namespace: Buffer, name: string): string {
  const bytes = createHash('sha1').update(namespace).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The id of posting `leg` (numbered across all entries of the event) made from event `eventId`. */
export function postingId(eventId: string, leg: number): string {
  return uuidV5(namespaceBytes, `${eventId}:${leg}`);
}

/** The id of the `entryIndex`-th journal entry made from event `eventId`. */
export function entryId(eventId: string, entryIndex: number): string {
  return uuidV5(namespaceBytes, `${eventId}:entry:${entryIndex}`);
}
