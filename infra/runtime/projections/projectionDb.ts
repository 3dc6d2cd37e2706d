/**
 * The projection runtime's own tables (migrations/0005_projections.sql): generations with their
 * checkpoints, and parked events. Every write of a projector's batch and the move of its
 * checkpoint happen in one transaction (`applyBatch`), guarded by a compare-and-set.
 */
import { BACKLOG_COUNT_CAP } from '../relay/relayDb.js';
import type { LogPosition, RecordedEvent } from '../../../domain/eventStore/index.js';
import { formatPosition, LOG_START, parsePosition } from '../../../domain/eventStore/index.js';
import type { Projector } from '../../../projections/runtime/projector.js';
import { generationSchema } from '../../../projections/runtime/projector.js';
import type { SqlClient, SqlSession } from '../../adapters/db/sqlClient.js';
import { inTransaction } from '../../adapters/db/inTransaction.js';

export type GenerationState = 'building' | 'serving' | 'retired';

export type Generation = Readonly<{
  name: string;
  generation: number;
  version: number;
  schema: string;
  state: GenerationState;
  position: LogPosition;
  eventsApplied: number;
  lastEventRecordedAt: string | null;
  caughtUpAt: string | null;
}>;

/** Another instance moved this generation's checkpoint: this one lost its lock and must stop. */
export class ProjectionFencedError extends Error {
  override readonly name = 'ProjectionFencedError';
}

type GenerationRow = {
  projection_name: string;
  generation: number;
  version: number;
  schema_name: string;
  state: GenerationState;
  position: string;
  events_applied: string;
  last_event_recorded_at: string | null;
  caught_up_at: string | null;
};

const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const GENERATION_COLUMNS = `projection_name, generation, version, schema_name, state, position, events_applied::text AS events_applied,
  ${iso('last_event_recorded_at')} AS last_event_recorded_at, ${iso('caught_up_at')} AS caught_up_at`;

function toGeneration(row: GenerationRow): Generation {
  const position = parsePosition(row.position);
  if (position === undefined) throw new Error(`projection ${row.projection_name}: unreadable checkpoint ${row.position}`);
  return {
    name: row.projection_name,
    generation: row.generation,
    version: row.version,
    schema: row.schema_name,
    state: row.state,
    position,
    eventsApplied: Number(row.events_applied),
    lastEventRecordedAt: row.last_event_recorded_at,
    caughtUpAt: row.caught_up_at,
  };
}

/** The generations of `name` that are not retired, oldest first. */
export async function liveGenerations(session: SqlSession, name: string): Promise<Generation[]> {
  const rows = await session.query<GenerationRow>(
    `SELECT ${GENERATION_COLUMNS} FROM projection_generations WHERE projection_name = $1 AND state <> 'retired' ORDER BY generation`,
    [name],
  );
  return rows.map(toGeneration);
}

export async function servingSchemaOf(client: SqlSession, name: string): Promise<string | undefined> {
  const [row] = await client.query<{ schema_name: string }>("SELECT schema_name FROM projection_generations WHERE projection_name = $1 AND state = 'serving'", [name]);
  return row?.schema_name;
}

/** Creates the next generation of `projector` in `state`, with its schema and tables, at the log's start. */
export async function createGeneration(session: SqlSession, projector: Projector, state: 'building' | 'serving'): Promise<Generation> {
  return inTransaction(session, async (tx) => {
    const [row] = await tx.query<{ next: number }>('SELECT COALESCE(max(generation), 0) + 1 AS next FROM projection_generations WHERE projection_name = $1', [projector.name]);
    const generation = row?.next ?? 1;
    const schema = generationSchema(projector.name, generation);
    await tx.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await tx.query(`CREATE SCHEMA ${schema}`);
    await tx.query(`SET LOCAL search_path TO ${schema}`);
    for (const statement of projector.tables) await tx.query(statement);
    const [created] = await tx.query<GenerationRow>(
      `INSERT INTO public.projection_generations (projection_name, generation, version, schema_name, state, position)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${GENERATION_COLUMNS}`,
      [projector.name, generation, projector.version, schema, state, formatPosition(LOG_START)],
    );
    if (created === undefined) throw new Error('generation insert returned nothing');
    return toGeneration(created);
  });
}

/**
 * Applies `events` with `projector` in the generation's schema and moves its checkpoint from
 * `from` to `to`, atomically. Throws `ProjectionFencedError` if the stored checkpoint is not `from`.
 */
export function applyBatch(session: SqlSession, projector: Projector, generation: Generation, events: readonly RecordedEvent[], from: LogPosition, to: LogPosition): Promise<void> {
  return inTransaction(session, async (tx) => {
    // A read model can always be rebuilt, and its checkpoint commits with its rows: losing the last
    // few commits in a server crash only replays them. So these commits need not wait for the WAL flush.
    await tx.query("SELECT set_config('search_path', $1, true), set_config('synchronous_commit', 'off', true)", [generation.schema]);
    if (events.length > 0) await projector.apply(tx, events);
    const last = events.at(-1);
    const moved = await tx.query(
      `UPDATE public.projection_generations
          SET position = $4, events_applied = events_applied + $5,
              last_event_recorded_at = COALESCE($6::timestamptz, last_event_recorded_at), updated_at = now()
        WHERE projection_name = $1 AND generation = $2 AND position = $3 RETURNING generation`,
      [generation.name, generation.generation, formatPosition(from), formatPosition(to), events.length, last?.recordedAt ?? null],
    );
    if (moved.length !== 1) throw new ProjectionFencedError(`projection ${generation.name} g${generation.generation}: the checkpoint is no longer ${formatPosition(from)}`);
  });
}

/** Makes `building` the serving generation and retires the one it replaces, atomically. */
export function switchOver(session: SqlSession, name: string, building: number): Promise<void> {
  return inTransaction(session, async (tx) => {
    await tx.query("UPDATE projection_generations SET state = 'retired', updated_at = now() WHERE projection_name = $1 AND state = 'serving'", [name]);
    const switched = await tx.query(
      `UPDATE projection_generations SET state = 'serving', switched_at = now(), caught_up_at = COALESCE(caught_up_at, now()), updated_at = now()
        WHERE projection_name = $1 AND generation = $2 AND state = 'building' RETURNING generation`,
      [name, building],
    );
    if (switched.length !== 1) throw new ProjectionFencedError(`projection ${name}: generation ${building} is no longer building`);
  });
}

export async function markCaughtUp(session: SqlSession, name: string, generation: number): Promise<void> {
  await session.query('UPDATE projection_generations SET caught_up_at = COALESCE(caught_up_at, now()) WHERE projection_name = $1 AND generation = $2', [name, generation]);
}

/** Drops the schemas of retired generations (their rows stay as history). */
export async function dropRetiredSchemas(session: SqlSession, name: string): Promise<void> {
  const rows = await session.query<{ schema_name: string }>(
    `SELECT g.schema_name FROM projection_generations g JOIN pg_namespace n ON n.nspname = g.schema_name
      WHERE g.projection_name = $1 AND g.state = 'retired'`,
    [name],
  );
  for (const row of rows) await session.query(`DROP SCHEMA IF EXISTS ${row.schema_name} CASCADE`);
}

export type ParkedEvent = Readonly<{
  generation: number;
  eventId: string;
  position: string;
  streamName: string;
  eventType: string;
  error: string;
  attempts: number;
  parkedAt: string;
  resolution: 'retried' | 'skipped' | null;
  resolvedAt: string | null;
}>;

export async function recordParked(session: SqlSession, generation: Generation, event: RecordedEvent, error: string, attempts: number): Promise<void> {
  await session.query(
    `INSERT INTO projection_parked_events (projection_name, generation, event_id, position, stream_name, event_type, error, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (projection_name, generation, event_id) DO UPDATE
       SET error = EXCLUDED.error, attempts = projection_parked_events.attempts + EXCLUDED.attempts, parked_at = now(), resolution = NULL, resolved_at = NULL`,
    [generation.name, generation.generation, event.id, formatPosition(event.position), event.stream, event.type, error.slice(0, 2000), attempts],
  );
}

export async function resolveParked(session: SqlSession, name: string, generation: number, eventId: string, resolution: 'retried' | 'skipped'): Promise<void> {
  await session.query(
    `UPDATE projection_parked_events SET resolution = $4, resolved_at = now()
      WHERE projection_name = $1 AND generation = $2 AND event_id = $3 AND resolution IS NULL`,
    [name, generation, eventId, resolution],
  );
}

type ParkedRow = {
  generation: number;
  event_id: string;
  position: string;
  stream_name: string;
  event_type: string;
  error: string;
  attempts: number;
  parked_at: string;
  resolution: 'retried' | 'skipped' | null;
  resolved_at: string | null;
};

export async function listParked(client: SqlSession, name: string): Promise<ParkedEvent[]> {
  const rows = await client.query<ParkedRow>(
    `SELECT generation, event_id::text AS event_id, position, stream_name, event_type, error, attempts, ${iso('parked_at')} AS parked_at, resolution, ${iso('resolved_at')} AS resolved_at
       FROM projection_parked_events WHERE projection_name = $1 ORDER BY parked_at DESC LIMIT 50`,
    [name],
  );
  return rows.map((row) => ({
    generation: row.generation,
    eventId: row.event_id,
    position: row.position,
    streamName: row.stream_name,
    eventType: row.event_type,
    error: row.error,
    attempts: row.attempts,
    parkedAt: row.parked_at,
    resolution: row.resolution,
    resolvedAt: row.resolved_at,
  }));
}

/** Matching events after `from` (at most BACKLOG_COUNT_CAP: "at least"), and the recording time of the oldest of them (the lag's start). */
export async function backlogAfter(client: SqlClient, from: LogPosition, streamPrefixes: readonly string[]): Promise<{ events: number; oldestRecordedAt: string | null }> {
  const patterns = streamPrefixes.map((prefix) => `${prefix.replaceAll('\\', '\\\\').replaceAll('%', '\\%').replaceAll('_', '\\_')}%`);
  const [row] = await client.query<{ n: string; oldest: string | null }>(
    `SELECT count(*)::text AS n, ${iso('min(recorded_at)')} AS oldest FROM (
       SELECT recorded_at FROM ledger_events
        WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          AND ($3::text[] = '{}' OR stream_name LIKE ANY ($3::text[]))
        ORDER BY transaction_id, global_position LIMIT $4) AS backlog`,
    [String(from.commit), String(from.prepare), patterns, BACKLOG_COUNT_CAP],
  );
  return { events: Number(row?.n ?? 0), oldestRecordedAt: row?.oldest ?? null };
}
