import type { AppendOptions, AppendResult, ExpectedRevision, NewEvent, StreamRevision } from '../../../../domain/eventStore/index.js';
import {
  EventIdConflictError,
  GENESIS_HASH,
  InvalidAppendError,
  WrongExpectedVersionError,
  canonicalEventText,
  dependencyMovedError,
} from '../../../../domain/eventStore/index.js';
import type { SqlSession } from '../../db/sqlClient.js';
import { jsonLiteral, textArrayLiteral } from '../../db/sqlLiterals.js';
import type { BatchOutcome } from '../groupCommit.js';
import { chainHash } from '../hashChain.js';
import { EVENT_TEXT_BYTES_MAX, validateAppend, validateConsistentWith } from '../validation.js';

/** One caller's append, validated, with its recording time fixed. */
export type AppendRequest = Readonly<{
  stream: string;
  expected: ExpectedRevision;
  events: readonly NewEvent[];
  recordedAt: string;
  texts: readonly string[];
  options: AppendOptions;
}>;

/** Validates an append and computes its canonical texts (throws InvalidAppendError). */
export function prepareAppend(stream: string, events: readonly NewEvent[], expected: ExpectedRevision, recordedAt: string, options: AppendOptions = {}): AppendRequest {
  validateAppend(stream, events);
  validateConsistentWith(stream, options.consistentWith ?? []);
  if (expected.kind === 'exact' && (!Number.isSafeInteger(expected.revision) || expected.revision < 0)) {
    throw new InvalidAppendError(stream, 'an exact expected revision is an integer ≥ 0');
  }
  const texts = events.map((event) => canonicalEventText(stream, event, recordedAt));
  if (texts.some((text) => Buffer.byteLength(text) > EVENT_TEXT_BYTES_MAX)) {
    throw new InvalidAppendError(stream, `an event is larger than ${EVENT_TEXT_BYTES_MAX} bytes`);
  }
  return { stream, expected, events, recordedAt, texts, options };
}

type Head = { revision: number; hash: string };
type Existing = Readonly<{ stream: string; revision: number }>;
type Row = { event_id: string; stream_name: string; stream_revision: number; prev_hash: string; hash: string; request: number; offset: number };
type Planned =
  | Readonly<{ kind: 'appended'; lastEventId: string; nextExpectedRevision: number }>
  | Readonly<{ kind: 'replayed'; lastEventId: string; nextExpectedRevision: number }>
  | Readonly<{ kind: 'refused'; error: Error }>;

/**
 * Appends a batch of requests inside the caller's open transaction, set-based:
 * 1. advisory-lock every stream of the batch in one fixed order — advisory locks take no xid, so
 *    this transaction's xid is assigned only after it owns every stream (a stream's later events
 *    always carry a larger xid: the log keeps each stream in revision order); the streams the
 *    requests only depend on (`consistentWith`) are locked shared in the same order, so a writer
 *    of one of them commits before this reads its head, or starts after this commits;
 * 2. read the streams' heads and any already-stored event ids (a new snapshot, after the locks);
 *    steps 1–2 (and BEGIN) travel in one round trip;
 * 3. decide each request in order here (retry → replayed, the streams it depends on, expectation,
 *    id conflicts), chain hashes;
 * 4. one statement inserts every event (a stream's head is its newest row) and completes
 *    idempotency keys; with `commit`, the COMMIT rides in the same round trip. No NOTIFY here: a
 *    NOTIFY takes a cluster-wide lock held through the commit's WAL flush, which would serialize
 *    every append transaction (the store notifies after commit instead).
 * A refusal is that request's outcome only; the others commit.
 */
export type TransactionControl = Readonly<{ begin: boolean; commit: boolean }>;

export async function appendInTransaction(
  session: SqlSession,
  requests: readonly AppendRequest[],
  control: TransactionControl = { begin: false, commit: false },
): Promise<BatchOutcome<AppendResult>[]> {
  const streams = [...new Set(requests.map((request) => request.stream))];
  const written = new Set(streams);
  const dependedOn = [...new Set(requests.flatMap((request) => (request.options.consistentWith ?? []).map((condition) => condition.stream)))].filter(
    (stream) => !written.has(stream),
  );
  const ids = requests.flatMap((request) => request.events.map((event) => event.id));
  // One round trip: (BEGIN,) lock in its own statement, then read with a snapshot taken after the locks.
  const results = await session.execMany(
    `${control.begin ? 'BEGIN;' : ''}
     SELECT count(CASE WHEN l.exclusive THEN pg_advisory_xact_lock(l.k) ELSE pg_advisory_xact_lock_shared(l.k) END)
       FROM (SELECT k, bool_or(exclusive) AS exclusive
               FROM (SELECT hashtextextended(s, 0) AS k, true AS exclusive FROM unnest(${textArrayLiteral(streams)}) s
                     UNION ALL SELECT hashtextextended(s, 0), false FROM unnest(${textArrayLiteral(dependedOn)}) s) a
              GROUP BY k ORDER BY k) l;
     SELECT s.stream_name, e.stream_revision::text AS revision, encode(e.hash, 'hex') AS last_hash
       FROM unnest(${textArrayLiteral([...streams, ...dependedOn])}) AS s(stream_name)
       CROSS JOIN LATERAL (SELECT stream_revision, hash FROM ledger_events WHERE stream_name = s.stream_name ORDER BY stream_revision DESC LIMIT 1) e;
     SELECT event_id::text AS event_id, stream_name, stream_revision::text AS stream_revision FROM ledger_events WHERE event_id = ANY (${textArrayLiteral(ids, 'uuid')});`,
  );
  const [idRows = [], headRows = []] = [...results].reverse();
  const heads = new Map<string, Head>(headRows.map((row) => [String(row.stream_name), { revision: Number(row.revision), hash: String(row.last_hash) }]));
  const existing = new Map<string, Existing>(idRows.map((row) => [String(row.event_id), { stream: String(row.stream_name), revision: Number(row.stream_revision) }]));
  const rows: Row[] = [];
  const plans = requests.map((request, index) => plan(request, index, heads, existing, rows));
  const positions = await write(session, requests, plans, rows, control.commit);
  const known = await positionsOf(session, plans, positions);
  return plans.map((planned) => {
    if (planned.kind === 'refused') return { ok: false, error: planned.error };
    const position = known.get(planned.lastEventId);
    if (position === undefined) return { ok: false, error: new Error(`no position for event ${planned.lastEventId}`) };
    return { ok: true, value: { nextExpectedRevision: planned.nextExpectedRevision, position, replayed: planned.kind === 'replayed' } };
  });
}

function plan(request: AppendRequest, index: number, heads: Map<string, Head>, existing: Map<string, Existing>, rows: Row[]): Planned {
  const head = heads.get(request.stream);
  const current = head?.revision ?? -1;
  const found = request.events.map((event) => existing.get(event.id));
  if (found.some((entry) => entry !== undefined)) return planRetry(request, found, current);
  const moved = movedDependency(request.options.consistentWith ?? [], heads);
  if (moved !== undefined) return { kind: 'refused', error: moved };
  if (!expectationHolds(request.expected, current)) return { kind: 'refused', error: new WrongExpectedVersionError(request.stream, request.expected, current) };
  let prev = head?.hash ?? GENESIS_HASH;
  request.events.forEach((event, offset) => {
    const hash = chainHash(prev, request.texts[offset] ?? '');
    const revision = current + 1 + offset;
    rows.push({ event_id: event.id, stream_name: request.stream, stream_revision: revision, prev_hash: prev, hash, request: index, offset });
    existing.set(event.id, { stream: request.stream, revision });
    prev = hash;
  });
  const last = current + request.events.length;
  heads.set(request.stream, { revision: last, hash: prev });
  return { kind: 'appended', lastEventId: request.events.at(-1)?.id ?? '', nextExpectedRevision: last };
}

/** The same ids again: a retry if they are exactly this append (same stream, order, consistent expectation). */
function planRetry(request: AppendRequest, found: readonly (Existing | undefined)[], current: number): Planned {
  const first = found[0];
  const exact = first !== undefined && found.every((entry, offset) => entry !== undefined && entry.stream === request.stream && entry.revision === first.revision + offset);
  if (!exact)
    return {
      kind: 'refused',
      error: new EventIdConflictError(
        request.stream,
        request.events.map((event) => event.id),
      ),
    };
  const expected = request.expected;
  const consistent =
    expected.kind === 'any' ||
    (expected.kind === 'no_stream' && first.revision === 0) ||
    (expected.kind === 'stream_exists' && first.revision > 0) ||
    (expected.kind === 'exact' && first.revision === expected.revision + 1);
  if (!consistent) return { kind: 'refused', error: new WrongExpectedVersionError(request.stream, expected, current) };
  return { kind: 'replayed', lastEventId: request.events.at(-1)?.id ?? '', nextExpectedRevision: first.revision + found.length - 1 };
}

/** The first stream the request depends on that is no longer at the revision its decision read. */
function movedDependency(conditions: readonly StreamRevision[], heads: Map<string, Head>): WrongExpectedVersionError | undefined {
  for (const condition of conditions) {
    const actual = heads.get(condition.stream)?.revision ?? -1;
    if (actual !== condition.revision) return dependencyMovedError(condition, actual);
  }
  return undefined;
}

function expectationHolds(expected: ExpectedRevision, current: number): boolean {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'no_stream':
      return current === -1;
    case 'stream_exists':
      return current >= 0;
    case 'exact':
      return current === expected.revision;
  }
}

const WRITE_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(event_id uuid, stream_name text, stream_revision bigint, event_type text,
         schema_version integer, data jsonb, metadata jsonb, recorded_at timestamptz, prev_hash text, hash text, n integer)
), inserted AS (
  INSERT INTO ledger_events (transaction_id, event_id, stream_name, stream_revision, event_type, schema_version, data, metadata, recorded_at, prev_hash, hash)
  SELECT pg_current_xact_id(), event_id, stream_name, stream_revision, event_type, schema_version, data, metadata, recorded_at,
         decode(prev_hash, 'hex'), decode(hash, 'hex')
    FROM input ORDER BY n
  RETURNING event_id, global_position, transaction_id
), completed AS (
  UPDATE idempotency_keys k
     SET state = 'completed', response_status = c.status, response_body = c.body, locked_until = NULL
    FROM jsonb_to_recordset($2::jsonb) AS c(scope text, key text, status integer, body text)
   WHERE k.scope = c.scope AND k.key = c.key AND k.state = 'in_progress'
)
SELECT i.event_id::text AS event_id, i.transaction_id::text AS tx, i.global_position::text AS gp FROM inserted i`;

/** Writes everything in one statement (and commits in the same round trip when asked). */
async function write(session: SqlSession, requests: readonly AppendRequest[], plans: readonly Planned[], rows: readonly Row[], commit: boolean) {
  if (rows.length === 0) {
    if (commit) await session.query('COMMIT');
    return new Map<string, { commit: bigint; prepare: bigint }>();
  }
  const events = rows.map((row, n) => {
    const request = requests[row.request];
    const event = request?.events[row.offset];
    return { ...row, event_type: event?.type, schema_version: event?.schemaVersion, data: event?.data, metadata: event?.metadata, recorded_at: request?.recordedAt, n };
  });
  const completions = requests.flatMap((request, index) => {
    const completion = request.options.idempotency;
    return completion === undefined || plans[index]?.kind === 'refused'
      ? []
      : [{ scope: completion.scope, key: completion.key, status: completion.response.status, body: completion.response.body }];
  });
  const statement = WRITE_SQL.replace('$1::jsonb', jsonLiteral(JSON.stringify(events))).replace('$2::jsonb', jsonLiteral(JSON.stringify(completions)));
  const [result = []] = await session.execMany(commit ? `${statement};\nCOMMIT;` : statement);
  return new Map(result.map((row) => [String(row.event_id), { commit: BigInt(String(row.tx)), prepare: BigInt(String(row.gp)) }]));
}

/** Positions of replayed requests' last events (already stored) join the ones just written. */
async function positionsOf(session: SqlSession, plans: readonly Planned[], written: Map<string, { commit: bigint; prepare: bigint }>) {
  const missing = plans.flatMap((planned) => (planned.kind !== 'refused' && !written.has(planned.lastEventId) ? [planned.lastEventId] : []));
  if (missing.length === 0) return written;
  const rows = await session.query<{ event_id: string; tx: string; gp: string }>(
    `SELECT event_id::text AS event_id, transaction_id::text AS tx, global_position::text AS gp FROM ledger_events WHERE event_id = ANY ($1::uuid[])`,
    [missing],
  );
  for (const row of rows) written.set(row.event_id, { commit: BigInt(row.tx), prepare: BigInt(row.gp) });
  return written;
}
