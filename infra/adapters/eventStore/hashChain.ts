import { createHash } from 'node:crypto';
import type { EventStore, LogPosition, RecordedEvent } from '../../../domain/eventStore/index.js';
import { GENESIS_HASH, LOG_START, canonicalEventText } from '../../../domain/eventStore/index.js';

/** `SHA-256(prevHash ‖ UTF-8(canonical text))` as lower-case hex: the link every adapter writes. */
export function chainHash(prevHashHex: string, canonicalText: string): string {
  return createHash('sha256').update(Buffer.from(prevHashHex, 'hex')).update(canonicalText, 'utf8').digest('hex');
}

export type ChainBreakReason = 'revision_gap' | 'prev_hash_mismatch' | 'hash_mismatch';

export type ChainBreak = Readonly<{
  stream: string;
  revision: number;
  position: LogPosition;
  eventId: string;
  reason: ChainBreakReason;
}>;

export type VerifyReport = Readonly<{
  ok: boolean;
  streamsChecked: number;
  eventsChecked: number;
  firstBreak?: ChainBreak;
}>;

type StreamHead = { revision: number; hash: string };

/** Checks one event against the head of its stream; returns the break, if any. */
function checkLink(head: StreamHead | undefined, event: RecordedEvent): ChainBreakReason | undefined {
  const expectedRevision = head === undefined ? 0 : head.revision + 1;
  if (event.revision !== expectedRevision) return 'revision_gap';
  if (event.prevHash !== (head?.hash ?? GENESIS_HASH)) return 'prev_hash_mismatch';
  if (chainHash(event.prevHash, canonicalEventText(event.stream, event, event.recordedAt)) !== event.hash) return 'hash_mismatch';
  return undefined;
}

function toBreak(event: RecordedEvent, reason: ChainBreakReason): ChainBreak {
  return { stream: event.stream, revision: event.revision, position: event.position, eventId: event.id, reason };
}

/**
 * Walks one stream from its first event and reports the first broken link: a missing
 * revision, a `prevHash` that is not the previous event's hash, or a hash that does not match
 * the event's content (changed data, metadata, type, id, time).
 */
export async function verifyStream(store: EventStore, stream: string, pageSize = 1_000): Promise<VerifyReport> {
  let head: StreamHead | undefined;
  let checked = 0;
  for (;;) {
    const page = await store.readStream(stream, { fromRevision: head === undefined ? 0 : head.revision + 1, maxCount: pageSize });
    for (const event of page) {
      const reason = checkLink(head, event);
      if (reason !== undefined) return { ok: false, streamsChecked: 1, eventsChecked: checked, firstBreak: toBreak(event, reason) };
      head = { revision: event.revision, hash: event.hash };
      checked += 1;
    }
    if (page.length < pageSize) return { ok: true, streamsChecked: checked > 0 ? 1 : 0, eventsChecked: checked };
  }
}

/**
 * Walks the whole log in order (optionally only streams with a prefix) and checks every
 * stream's chain as it goes. Holds one head (revision + hash) per stream in memory.
 */
export async function verifyLog(
  store: EventStore,
  options: Readonly<{ from?: LogPosition; streamPrefixes?: readonly string[]; pageSize?: number; onProgress?: (eventsChecked: number) => void }> = {},
): Promise<VerifyReport> {
  const heads = new Map<string, StreamHead>();
  const pageSize = options.pageSize ?? 1_000;
  const filter = options.streamPrefixes === undefined ? undefined : { streamPrefixes: options.streamPrefixes };
  const read = (from: LogPosition) => store.readAll(filter === undefined ? { from, maxCount: pageSize } : { from, maxCount: pageSize, filter });
  let position = options.from ?? LOG_START;
  let checked = 0;
  // The next page is read while this one is hashed (I/O and CPU overlap); a break discards it.
  let next = read(position);
  for (;;) {
    const page = await next;
    const moved = page.checkpoint.commit !== position.commit || page.checkpoint.prepare !== position.prepare;
    if (moved) next = read(page.checkpoint);
    for (const event of page.events) {
      const reason = checkLink(heads.get(event.stream), event);
      if (reason !== undefined) {
        await next.catch(() => undefined);
        return { ok: false, streamsChecked: heads.size, eventsChecked: checked, firstBreak: toBreak(event, reason) };
      }
      heads.set(event.stream, { revision: event.revision, hash: event.hash });
      checked += 1;
    }
    options.onProgress?.(checked);
    if (!moved) return { ok: true, streamsChecked: heads.size, eventsChecked: checked };
    position = page.checkpoint;
  }
}
