import type { EventStore, LogPosition } from '../../../domain/eventStore/index.js';
import { comparePositions } from '../../../domain/eventStore/index.js';

export type PortBacklog = Readonly<{ events: number; oldestRecordedAt: string | null }>;

/** Stops counting here: a status report must not scan an unbounded backlog. */
export const PORT_BACKLOG_COUNT_MAX = 20_000;

/**
 * Events after `from` (optionally only streams with these prefixes), counted through the port's
 * `readAll` — for stores without SQL over their log (EventStoreDB). Counts at most
 * PORT_BACKLOG_COUNT_MAX (a larger backlog reports that number). `oldestRecordedAt` is the first
 * such event's recording time (the lag's start).
 */
export async function backlogViaPort(store: EventStore, from: LogPosition, streamPrefixes: readonly string[] = []): Promise<PortBacklog> {
  let position = from;
  let events = 0;
  let oldestRecordedAt: string | null = null;
  while (events < PORT_BACKLOG_COUNT_MAX) {
    const page = await store.readAll(streamPrefixes.length === 0 ? { from: position, maxCount: 1_000 } : { from: position, maxCount: 1_000, filter: { streamPrefixes } });
    events += page.events.length;
    oldestRecordedAt ??= page.events[0]?.recordedAt ?? null;
    if (comparePositions(page.checkpoint, position) === 0) break;
    position = page.checkpoint;
  }
  return { events: Math.min(events, PORT_BACKLOG_COUNT_MAX), oldestRecordedAt };
}
