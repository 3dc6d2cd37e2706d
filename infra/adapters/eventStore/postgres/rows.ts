import type { EventMetadata, JsonObject, RecordedEvent } from '../../../../domain/eventStore/index.js';

/**
 * Columns as every read selects them: bigints and xid8 as text, so pg and PGlite agree. The
 * aliases keep the column names, so every ORDER BY must qualify them (`ledger_events.…`).
 */
export const EVENT_COLUMNS = `global_position::text AS global_position, transaction_id::text AS transaction_id,
  event_id::text AS event_id, stream_name, stream_revision::text AS stream_revision, event_type, schema_version,
  data, metadata, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at,
  encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash`;

export type EventRow = {
  global_position: string;
  transaction_id: string;
  event_id: string;
  stream_name: string;
  stream_revision: string;
  event_type: string;
  schema_version: number;
  data: JsonObject;
  metadata: Record<string, unknown>;
  recorded_at: string;
  prev_hash: string;
  hash: string;
};

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    stream: row.stream_name,
    revision: Number(row.stream_revision),
    position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) },
    type: row.event_type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: toMetadata(row.metadata),
    recordedAt: row.recorded_at,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const METADATA_KEYS = ['correlationId', 'causationId', 'traceparent', 'actor', 'idempotencyKey'] as const;

function toMetadata(stored: Record<string, unknown>): EventMetadata {
  const metadata: { -readonly [K in keyof EventMetadata]: string } = {};
  for (const key of METADATA_KEYS) {
    const value = stored[key];
    if (typeof value === 'string') metadata[key] = value;
  }
  return metadata;
}
