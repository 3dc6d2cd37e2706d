/**
 * The relay's PostgreSQL state (infra/adapters/db/migrations/0004_relay.sql): its checkpoint, the per-intent
 * contexts of the mapping, the singleton lock, and the backlog count for status reports.
 */
import type { LogPosition } from '../../../domain/eventStore/index.js';
import { formatPosition, parsePosition } from '../../../domain/eventStore/index.js';
import type { IntentContext } from '../../../projections/integration/index.js';
import { PAYMENT_INTENT_STREAM_PREFIX } from '../../../domain/paymentIntent/index.js';
import type { PaymentMethod } from '../../../schemas/integration/index.js';
import type { SqlClient, SqlSession } from '../../adapters/db/sqlClient.js';
import { sleep } from '../../adapters/kafka/backoff.js';
import { inTransaction } from '../../adapters/db/inTransaction.js';

/** Another relay moved the checkpoint: this one lost its lock (e.g. its session died) and must stop. */
export class RelayFencedError extends Error {
  override readonly name = 'RelayFencedError';
}

export type StoredCheckpoint = Readonly<{ position: LogPosition; eventsPublished: number; updatedAt: string }>;

/** What the relay does with the database while it holds the lock. */
export type RelayDb = Readonly<{
  /** The stored checkpoint, created at `initial` if this relay has none yet. */
  checkpoint: (initial: LogPosition) => Promise<LogPosition>;
  contexts: (paymentIntentIds: readonly string[]) => Promise<Map<string, IntentContext>>;
  /**
   * Atomically: upserts `contexts` and moves the checkpoint from `from` to `to` (compare-and-set;
   * throws `RelayFencedError` when the stored position is no longer `from`).
   */
  commit: (from: LogPosition, to: LogPosition, contexts: ReadonlyMap<string, IntentContext>, published: number) => Promise<void>;
}>;

type ContextRow = {
  payment_intent_id: string;
  client_reference_id: string | null;
  amount_received: string;
  amount_refunded: string;
  authorized_method: PaymentMethod | null;
};

/**
 * `query` runs the relay's own statements (the lock session on a server); `reader` reads contexts
 * from another connection, so a read for the next batch never lands inside the commit of the batch
 * in flight. It sees every batch committed before that one; the in-flight batch's contexts come
 * from memory (relay.ts).
 */
function relayDb(name: string, query: SqlSession, reader: SqlSession, transaction: <T>(work: (session: SqlSession) => Promise<T>) => Promise<T>): RelayDb {
  return {
    async checkpoint(initial) {
      await query.query('INSERT INTO relay_checkpoints (relay_name, position) VALUES ($1, $2) ON CONFLICT (relay_name) DO NOTHING', [name, formatPosition(initial)]);
      const stored = await readCheckpointRow(query, name);
      if (stored === undefined) throw new Error(`relay checkpoint ${name} vanished`);
      return stored.position;
    },
    async contexts(paymentIntentIds) {
      if (paymentIntentIds.length === 0) return new Map();
      const rows = await reader.query<ContextRow>(
        `SELECT payment_intent_id, client_reference_id, amount_received::text AS amount_received, amount_refunded::text AS amount_refunded, authorized_method
           FROM relay_intent_context WHERE relay_name = $1 AND payment_intent_id = ANY ($2::text[])`,
        [name, paymentIntentIds],
      );
      return new Map(rows.map((row) => [row.payment_intent_id, toContext(row)]));
    },
    commit: (from, to, contexts, published) =>
      transaction(async (session) => {
        if (contexts.size > 0) await upsertContexts(session, name, contexts);
        const moved = await session.query(
          `UPDATE relay_checkpoints SET position = $3, events_published = events_published + $4, updated_at = now()
            WHERE relay_name = $1 AND position = $2 RETURNING relay_name`,
          [name, formatPosition(from), formatPosition(to), published],
        );
        if (moved.length !== 1) throw new RelayFencedError(`relay ${name}: the checkpoint is no longer ${formatPosition(from)}; another relay took over`);
      }),
  };
}

function toContext(row: ContextRow): IntentContext {
  return {
    clientReferenceId: row.client_reference_id,
    amountReceived: Number(row.amount_received),
    amountRefunded: Number(row.amount_refunded),
    authorizedMethod: row.authorized_method,
  };
}

async function upsertContexts(session: SqlSession, name: string, contexts: ReadonlyMap<string, IntentContext>): Promise<void> {
  const entries = [...contexts];
  await session.query(
    `INSERT INTO relay_intent_context (relay_name, payment_intent_id, client_reference_id, amount_received, amount_refunded, authorized_method)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::jsonb[])
     ON CONFLICT (relay_name, payment_intent_id) DO UPDATE SET client_reference_id = EXCLUDED.client_reference_id,
       amount_received = EXCLUDED.amount_received, amount_refunded = EXCLUDED.amount_refunded, authorized_method = EXCLUDED.authorized_method`,
    [
      name,
      entries.map(([id]) => id),
      entries.map(([, context]) => context.clientReferenceId),
      entries.map(([, context]) => String(context.amountReceived)),
      entries.map(([, context]) => String(context.amountRefunded)),
      entries.map(([, context]) => (context.authorizedMethod === null ? null : JSON.stringify(context.authorizedMethod))),
    ],
  );
}

export type LockOptions = Readonly<{
  name: string;
  signal: AbortSignal;
  pollMs: number;
  /** Called once when the lock is held by someone else and this relay starts waiting. */
  onWaiting: () => void;
}>;

/**
 * Runs `work` while holding the relay's PostgreSQL session advisory lock (one active relay per
 * name per database); polls `pg_try_advisory_lock` every `pollMs` while another holds it (a standby
 * takes over when the active relay's session ends). Returns without running `work` if `signal`
 * aborts first. `work` gets the session's lost signal: when the session dies the lock is gone and
 * the relay must stop at once (a standby may take over). On PGlite (one process per data folder, enforced by its folder lock) no lock is
 * needed, and each commit takes the single session only briefly.
 */
export async function withRelayLock(client: SqlClient, options: LockOptions, work: (db: RelayDb, lockLost: AbortSignal) => Promise<void>): Promise<void> {
  if (client.kind === 'pglite') {
    await work(
      relayDb(options.name, client, client, (transaction) => client.withSession((session) => inTransaction(session, transaction))),
      new AbortController().signal,
    );
    return;
  }
  await client.withSession(async (session, lost) => {
    const key = `mpac.relay:${options.name}`;
    let waiting = false;
    for (;;) {
      if (options.signal.aborted) return;
      const [row] = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [key]);
      if (row?.locked === true) break;
      if (!waiting) options.onWaiting();
      waiting = true;
      await sleep(options.pollMs, options.signal);
    }
    try {
      await work(
        relayDb(options.name, session, client, (transaction) => inTransaction(session, transaction)),
        lost,
      );
    } finally {
      // A dead session fails here too; the work's own error is the one that matters.
      await session.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => undefined);
    }
  });
}

async function readCheckpointRow(session: SqlSession, name: string): Promise<StoredCheckpoint | undefined> {
  const [row] = await session.query<{ position: string; events_published: string; updated_at: string }>(
    `SELECT position, events_published::text AS events_published, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at
       FROM relay_checkpoints WHERE relay_name = $1`,
    [name],
  );
  if (row === undefined) return undefined;
  const position = parsePosition(row.position);
  if (position === undefined) throw new Error(`relay ${name}: unreadable checkpoint ${row.position}`);
  return { position, eventsPublished: Number(row.events_published), updatedAt: row.updated_at };
}

/** The relay's stored checkpoint, or undefined when it never ran (it would start at the log's start). */
export function readRelayCheckpoint(client: SqlClient, name: string): Promise<StoredCheckpoint | undefined> {
  return readCheckpointRow(client, name);
}

/** A backlog is counted up to this many events (a status read must not scan a whole log): the count means "at least". */
export const BACKLOG_COUNT_CAP = 100_000;

/**
 * PaymentIntent events in the log after `from` (what the relay still has to go through), at most
 * BACKLOG_COUNT_CAP, and the oldest one's recording time.
 */
export async function countBacklog(client: SqlClient, from: LogPosition): Promise<Readonly<{ events: number; oldestRecordedAt: string | null }>> {
  const [row] = await client.query<{ n: string; oldest: string | null }>(
    `SELECT count(*)::text AS n, to_char(min(recorded_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS oldest FROM (
       SELECT recorded_at FROM ledger_events
        WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint) AND stream_name LIKE $3
        ORDER BY transaction_id, global_position LIMIT $4) AS backlog`,
    [String(from.commit), String(from.prepare), `${PAYMENT_INTENT_STREAM_PREFIX}%`, BACKLOG_COUNT_CAP],
  );
  return { events: Number(row?.n ?? 0), oldestRecordedAt: row?.oldest ?? null };
}
