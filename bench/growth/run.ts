/**
 * Cost as the work grows (issue 12, item 7): the terminal mix of bench:commands (closed loop, same
 * connections and duration) on an empty log, then on a log that already holds BENCH_GROWTH_EVENTS
 * events (default 10,000,000), in the same run on the same machine; the ratio of the two.
 *
 *   npm run bench:growth            (= tsx bench/growth/run.ts; the bench:commands variables apply too)
 *
 * The stored events are written by SQL straight into `ledger_events` (generate_series, 1M per
 * transaction): payment-sized rows (≈ 330 bytes of data and metadata, 6 per stream, random event ids,
 * 32-byte hashes) in streams `Archive-…` that no projector reads, so the command side pays for the
 * grown table and indexes (the primary key, the random `event_id` unique index, the log order) while
 * the projections only skip them once; the load starts after every projection has passed them.
 * /metrics is not scraped in the windows: with no Kafka relay ever run, its backlog count walks the stored
 * events (capped at 100,000 matches, but the stored events here match none). Idempotency records are not grown (they are pruned after 7 days; see docs/capacity.md).
 *
 * stdout: one JSON object (also bench/results/growth-<timestamp>.json); stderr: progress.
 */
import pg from 'pg';
import { createPgClient } from '../../infra/adapters/db/pgClient.js';
import { migrate } from '../../infra/adapters/db/migrate.js';
import { machineBusyPct, machineInfo } from '../shared/machine.js';
import { databaseUrl, dropDatabase, recreateDatabase, serverInfo } from '../shared/postgres.js';
import { gitState, runBench, writeResult } from '../shared/results.js';
import { log, measureLedger, readConfig, type Measured } from '../commands/measure.js';

const EVENTS = Number(process.env.BENCH_GROWTH_EVENTS ?? 10_000_000);
const CHUNK = 1_000_000;
const CATCH_UP_TIMEOUT_MS = 20 * 60_000;

const FILLER_SQL = `
INSERT INTO ledger_events (transaction_id, event_id, stream_name, stream_revision, event_type, schema_version, data, metadata, recorded_at, prev_hash, hash)
SELECT pg_current_xact_id(), gen_random_uuid(), 'Archive-pi_' || lpad((g / 6)::text, 20, '0'), g % 6, 'PaymentIntentCreated', 1,
       jsonb_build_object('paymentIntentId', 'pi_' || lpad(g::text, 24, '0'), 'amountMinor', 1000 + g % 5000, 'currency', 'JPY',
                          'storeId', 'str_01JD3W8Q4ZK6T9X2M5N7P1R3S8', 'terminalId', 'trm_01JD3W8Q4ZK6T9X2M5N7P1R3S8', 'mode', 'manual',
                          'occurredAt', '2026-11-01T01:00:00.000Z'),
       jsonb_build_object('actor', 'terminal:trm_01JD3W8Q4ZK6T9X2M5N7P1R3S8', 'correlationId', gen_random_uuid(), 'idempotencyKey', gen_random_uuid()),
       now() - interval '30 days', decode(md5(g::text) || md5((g + 1)::text), 'hex'), decode(md5((g + 2)::text) || md5((g + 3)::text), 'hex')
  FROM generate_series($1::bigint, $2::bigint) AS g`;

async function fill(database: string): Promise<Readonly<{ events: number; seconds: number; tableBytes: number; indexBytes: number }>> {
  const client = createPgClient({ connectionString: databaseUrl(database), poolSizeMax: 2, statementTimeoutMs: 0, idleInTransactionTimeoutMs: 0, applicationName: 'bench-growth' });
  const started = performance.now();
  try {
    await migrate(client);
    for (let first = 0; first < EVENTS; first += CHUNK) {
      await client.query(FILLER_SQL, [first, Math.min(EVENTS, first + CHUNK) - 1]);
      log(`stored ${Math.min(EVENTS, first + CHUNK)}/${EVENTS} events (${Math.round((performance.now() - started) / 1000)} s)`);
    }
    await client.query('VACUUM (ANALYZE) ledger_events');
    const [size] = await client.query<{ table_bytes: string; index_bytes: string }>(
      `SELECT pg_table_size('ledger_events')::text AS table_bytes, pg_indexes_size('ledger_events')::text AS index_bytes`,
    );
    return { events: EVENTS, seconds: Math.round((performance.now() - started) / 1000), tableBytes: Number(size?.table_bytes), indexBytes: Number(size?.index_bytes) };
  } finally {
    await client.close();
  }
}

/**
 * Resolves once every serving projection's checkpoint is past the stored events (the ledger's own
 * state). A projection that has applied nothing yet keeps checkpoint 0:0 (provider_tasks, in a mix
 * without QR payments): it has nothing to catch up.
 */
async function projectionsPast(database: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    const head = await client.query<{ xid: string }>(`SELECT max(transaction_id)::text AS xid FROM ledger_events WHERE stream_name LIKE 'Archive-%'`);
    const fillerXid = head.rows[0]?.xid ?? '0';
    const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
    for (;;) {
      const behind = await client.query<{ serving: number; behind: number }>(
        `SELECT count(*)::int AS serving, count(*) FILTER (WHERE position <> '0:0' AND split_part(position, ':', 1)::numeric <= $1::numeric)::int AS behind
           FROM projection_generations WHERE state = 'serving'`,
        [fillerXid],
      );
      const row = behind.rows[0];
      if (row !== undefined && row.serving > 0 && row.behind === 0) return;
      if (Date.now() > deadline) throw new Error(`projections did not pass the stored events within ${CATCH_UP_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  } finally {
    await client.end();
  }
}

function summary(measured: Measured): Record<string, unknown> {
  return {
    requestsPerS: measured.requestsPerS,
    p50Ms: measured.latencyMs.p50Ms,
    p99Ms: measured.latencyMs.p99Ms,
    errors: measured.errors.total,
    cpuPerRequestMs: measured.cpu.perRequestMs,
  };
}

async function main(): Promise<void> {
  const config = readConfig();
  const startedAt = new Date();
  const busyBefore = await machineBusyPct(1_000);
  const databases = { empty: `bench_growth_empty_${process.pid}`, grown: `bench_growth_grown_${process.pid}` };
  let empty: Measured;
  let grown: Measured;
  let stored;
  try {
    await recreateDatabase(databases.empty);
    empty = await measureLedger(config, databases.empty, 1, undefined, false);
    log(`empty log: ${empty.requestsPerS} commands/s, p99 ${empty.latencyMs.p99Ms} ms`);
    await dropDatabase(databases.empty);
    await recreateDatabase(databases.grown);
    stored = await fill(databases.grown);
    log(`stored ${stored.events} events in ${stored.seconds} s; table ${stored.tableBytes} B, indexes ${stored.indexBytes} B`);
    grown = await measureLedger(config, databases.grown, 1, () => projectionsPast(databases.grown), false);
    log(`grown log: ${grown.requestsPerS} commands/s, p99 ${grown.latencyMs.p99Ms} ms`);
  } finally {
    await Promise.all(Object.values(databases).map((database) => dropDatabase(database).catch(() => undefined)));
  }
  const result = {
    benchmark: 'bench:growth',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    code: gitState(),
    machine: { ...machineInfo(), busyPctBeforeStart: busyBefore },
    postgres: await serverInfo(),
    config: { ...config, storedEvents: EVENTS },
    stored,
    ratioGrownToEmpty: {
      requestsPerS: Math.round((1000 * grown.requestsPerS) / empty.requestsPerS) / 1000,
      p99Ms: Math.round((1000 * grown.latencyMs.p99Ms) / empty.latencyMs.p99Ms) / 1000,
    },
    empty: summary(empty),
    grown: summary(grown),
    details: { empty, grown },
  };
  writeResult('growth', startedAt, result, log);
}

runBench(main, log);
