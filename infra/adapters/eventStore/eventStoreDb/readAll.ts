import { BACKWARDS, END, FORWARDS, type AllStreamResolvedEvent, type EventStoreDBClient } from '@eventstore/db-client';
import type { LogPosition, ReadAllOptions, ReadAllResult, RecordedEvent } from '../../../../domain/eventStore/index.js';
import { LOG_START } from '../../../../domain/eventStore/index.js';
import { isAfter, readAllStart, toLogPosition } from './positions.js';
import { isSystemEvent, matchesFilter, toRecordedEvent } from './recorded.js';

/**
 * `readAll` of the port on `$all`: scans up to `maxCount` non-system events strictly after
 * `from` (the server reads from a position inclusively: the event at `from` is dropped here) and
 * returns those that match the filter. System events are skipped without counting, so a stretch
 * of them never stalls the reader. The checkpoint is the last non-system event scanned.
 * The client (v6) has no server-side filter for reads; subscriptions filter on the server.
 */
export async function readAllFiltered(client: EventStoreDBClient, options: ReadAllOptions): Promise<ReadAllResult> {
  const events: RecordedEvent[] = [];
  let checkpoint = options.from;
  let cursor = options.from;
  let scanned = 0;
  for (;;) {
    const page = await collect(client.readAll({ direction: FORWARDS, fromPosition: readAllStart(cursor), maxCount: options.maxCount + 1 }));
    let fresh = 0;
    for (const resolved of page) {
      const raw = resolved.event;
      if (raw === undefined) continue;
      const position = toLogPosition(raw.position);
      if (!isAfter(position, cursor)) continue;
      fresh += 1;
      cursor = position;
      if (isSystemEvent(raw)) continue;
      scanned += 1;
      checkpoint = position;
      const recorded = toRecordedEvent(raw);
      if (recorded !== undefined && matchesFilter(recorded, options.filter)) events.push(recorded);
      if (scanned === options.maxCount) return { events, checkpoint };
    }
    if (fresh === 0) return { events, checkpoint };
  }
}

/** The newest non-system event's position, reading `$all` backwards (LOG_START when none). */
export async function readHeadPosition(client: EventStoreDBClient, pageSize = 100): Promise<LogPosition> {
  let cursor: LogPosition | undefined;
  for (;;) {
    const page = await collect(client.readAll({ direction: BACKWARDS, fromPosition: cursor ?? END, maxCount: pageSize }));
    let fresh = 0;
    for (const resolved of page) {
      const raw = resolved.event;
      if (raw === undefined) continue;
      const position = toLogPosition(raw.position);
      if (cursor !== undefined && !isAfter(cursor, position)) continue;
      fresh += 1;
      cursor = position;
      if (!isSystemEvent(raw)) return position;
    }
    if (fresh === 0) return LOG_START;
  }
}

async function collect(read: AsyncIterable<AllStreamResolvedEvent>): Promise<AllStreamResolvedEvent[]> {
  const page: AllStreamResolvedEvent[] = [];
  for await (const resolved of read) page.push(resolved);
  return page;
}
