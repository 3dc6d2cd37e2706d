/**
 * Builds a backlog of PaymentIntent events quickly: realistic events from the real decider (a
 * typical mix of cash, card, declined card, QR and canceled intents), each with the metadata a
 * request writes, inserted in large set-based statements (one transaction each) with the same
 * columns, canonical text and hash chain `ledger_append` writes — so `readAll` returns them in log
 * order, `verifyLog` accepts them, and the mapping turns them into integration events.
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../domain/eventStore/index.js';
import { GENESIS_HASH, canonicalEventText } from '../../domain/eventStore/index.js';
import { toPaymentIntentStreamName } from '../../domain/paymentIntent/index.js';
import type { SqlClient } from '../../infra/adapters/db/sqlClient.js';
import { chainHash } from '../../infra/adapters/eventStore/hashChain.js';
import { mapBatch } from '../../projections/integration/index.js';
import { typicalIntent } from '../../projections/integration/testing/paymentScenarios.js';

export type BacklogResult = Readonly<{ events: number; intents: number; expectedMessages: number; statements: number; seconds: number }>;

type Row = Readonly<{
  event_id: string;
  stream_name: string;
  stream_revision: number;
  event_type: string;
  schema_version: number;
  data: NewEvent['data'];
  metadata: NewEvent['metadata'];
  recorded_at: string;
  prev_hash: string;
  hash: string;
  n: number;
}>;

const INSERT_SQL = `
INSERT INTO ledger_events (transaction_id, event_id, stream_name, stream_revision, event_type, schema_version, data, metadata, recorded_at, prev_hash, hash)
SELECT pg_current_xact_id(), event_id, stream_name, stream_revision, event_type, schema_version, data, metadata, recorded_at, decode(prev_hash, 'hex'), decode(hash, 'hex')
  FROM jsonb_to_recordset($1::jsonb) AS e(event_id uuid, stream_name text, stream_revision bigint, event_type text, schema_version integer,
       data jsonb, metadata jsonb, recorded_at timestamptz, prev_hash text, hash text, n integer)
 ORDER BY n`;

/** The rows of intent `n`'s stream, chained, and how many integration messages it maps to. */
function intentRows(n: number, startMs: number): { rows: Row[]; messages: number } {
  const at = new Date(startMs + n * 250).toISOString();
  const events = typicalIntent(n, at, 1 + (n % 40));
  const paymentIntentId = events[0]?.data.paymentIntentId ?? '';
  const stream = toPaymentIntentStreamName(paymentIntentId);
  const requestId = randomUUID();
  let prev = GENESIS_HASH;
  const rows = events.map((event, revision): Row => {
    const newEvent: NewEvent = {
      id: randomUUID(),
      type: event.type,
      schemaVersion: 1,
      data: event.data,
      metadata: {
        correlationId: requestId,
        causationId: requestId,
        actor: `terminal:${event.data.terminalId}`,
        idempotencyKey: requestId,
        traceparent: `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`,
      },
    };
    const hash = chainHash(prev, canonicalEventText(stream, newEvent, at));
    const row: Row = {
      event_id: newEvent.id,
      stream_name: stream,
      stream_revision: revision,
      event_type: newEvent.type,
      schema_version: 1,
      data: newEvent.data,
      metadata: newEvent.metadata,
      recorded_at: at,
      prev_hash: prev,
      hash,
      n: 0,
    };
    prev = hash;
    return row;
  });
  const messages = mapBatch(
    rows.map((row, index) => ({ id: row.event_id, event: events[index]!, traceparent: null })),
    new Map(),
  ).outgoing.length;
  return { rows, messages };
}

/**
 * Inserts at least `eventsTarget` events (whole intents), `rowsPerStatement` per statement, and
 * reports progress through `progress` every statement.
 */
export async function buildBacklog(client: SqlClient, eventsTarget: number, rowsPerStatement: number, progress: (events: number) => void): Promise<BacklogResult> {
  const started = performance.now();
  const startMs = Date.parse('2026-11-20T00:00:00.000Z');
  let events = 0;
  let intents = 0;
  let expectedMessages = 0;
  let statements = 0;
  let pending: Row[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  // One statement in flight while the next chunk is generated (PostgreSQL and node work in parallel).
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const json = JSON.stringify(pending.map((row, n) => ({ ...row, n })));
    pending = [];
    const sent = events;
    await inFlight;
    inFlight = client.query(INSERT_SQL, [json]).then(() => {
      statements += 1;
      progress(sent);
    });
    inFlight.catch(() => undefined); // surfaced by the next `await inFlight`
  };
  while (events < eventsTarget) {
    const { rows, messages } = intentRows(intents, startMs);
    intents += 1;
    events += rows.length;
    expectedMessages += messages;
    pending.push(...rows);
    if (pending.length >= rowsPerStatement) await flush();
  }
  await flush();
  await inFlight;
  return { events, intents, expectedMessages, statements, seconds: (performance.now() - started) / 1000 };
}
