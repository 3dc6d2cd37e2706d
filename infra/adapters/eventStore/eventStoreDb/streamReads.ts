import { BACKWARDS, END, FORWARDS, START, StreamNotFoundError, type EventStoreDBClient, type ResolvedEvent } from '@eventstore/db-client';
import { GENESIS_HASH, InvalidAppendError } from '../../../../domain/eventStore/index.js';
import { toStoredEvent, type StoredEvent } from './recorded.js';

export type StreamHead = Readonly<{ revision: number; hash: string }>;

/** Reads raw events of one stream; a missing stream reads as empty. */
export async function readStreamEvents(
  client: EventStoreDBClient,
  stream: string,
  options: Readonly<{ backwards: boolean; fromRevision: number | undefined; maxCount: number }>,
): Promise<StoredEvent[]> {
  const fromRevision = options.fromRevision === undefined ? (options.backwards ? END : START) : BigInt(options.fromRevision);
  const stored: StoredEvent[] = [];
  try {
    const read = client.readStream(stream, { direction: options.backwards ? BACKWARDS : FORWARDS, fromRevision, maxCount: options.maxCount });
    for await (const resolved of read as AsyncIterable<ResolvedEvent>) {
      const event = resolved.event === undefined ? undefined : toStoredEvent(resolved.event);
      if (event !== undefined) stored.push(event);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return stored;
}

/**
 * The stream's last revision and hash (-1 and the genesis hash for a new stream): what the next
 * events chain on. Refuses streams whose last event the ledger did not write (no hash to chain on).
 */
export async function readStreamHead(client: EventStoreDBClient, stream: string): Promise<StreamHead> {
  let last: ResolvedEvent | undefined;
  try {
    const read = client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    for await (const resolved of read as AsyncIterable<ResolvedEvent>) last = resolved;
  } catch (error) {
    if (error instanceof StreamNotFoundError) return { revision: -1, hash: GENESIS_HASH };
    throw error;
  }
  if (last?.event === undefined) return { revision: -1, hash: GENESIS_HASH };
  const stored = toStoredEvent(last.event);
  if (stored === undefined) throw new InvalidAppendError(stream, 'the stream ends with an event this ledger did not write');
  return { revision: stored.recorded.revision, hash: stored.recorded.hash };
}
