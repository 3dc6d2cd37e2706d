/**
 * Writes an audit bundle (auditBundle.ts) of the log range (from, to] — `to` defaults to the head
 * at the start — to a file, page by page, with the read-model digests in the manifest.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { EventStore, LogPosition } from '../../../domain/eventStore/index.js';
import { comparePositions, formatPosition } from '../../../domain/eventStore/index.js';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import { toAuditEvent } from './auditLog.js';
import { BundleWriter } from './auditBundle.js';
import { readModelDigests } from './readModelDigests.js';

export type ExportOptions = Readonly<{
  store: EventStore;
  client: SqlClient;
  from: LogPosition;
  to: LogPosition | undefined;
  out: string;
  now: () => Date;
  pageSize?: number;
  onProgress?: (eventsWritten: number) => void;
}>;

export type ExportSummary = Readonly<{ events: number; streams: number; from: string; to: string; out: string }>;

export async function exportBundle(options: ExportOptions): Promise<ExportSummary> {
  const to = options.to ?? (await options.store.headPosition());
  const writer = new BundleWriter();
  const file = createWriteStream(options.out, { encoding: 'utf8', mode: 0o600 });
  const write = async (text: string): Promise<void> => {
    if (!file.write(text)) await once(file, 'drain');
  };
  const read = (from: LogPosition) => options.store.readAll({ from, maxCount: options.pageSize ?? 5_000 });
  let position = options.from;
  let events = 0;
  const streams = new Set<string>();
  // The next page is read while this one is hashed and written.
  let next = comparePositions(position, to) < 0 ? read(position) : undefined;
  try {
    while (next !== undefined) {
      const page = await next;
      const moved = comparePositions(page.checkpoint, position) !== 0;
      next = moved && comparePositions(page.checkpoint, to) < 0 ? read(page.checkpoint) : undefined;
      let text = '';
      for (const event of page.events) {
        if (comparePositions(event.position, to) > 0) break;
        text += writer.line(toAuditEvent(event));
        streams.add(event.stream);
        events += 1;
      }
      await write(text);
      options.onProgress?.(events);
      position = page.checkpoint;
    }
    await write(
      writer.manifest({ from: formatPosition(options.from), to: formatPosition(to), createdAt: options.now().toISOString(), readModels: await readModelDigests(options.client) }),
    );
  } finally {
    file.end();
    await once(file, 'close');
  }
  return { events, streams: streams.size, from: formatPosition(options.from), to: formatPosition(to), out: options.out };
}
