/**
 * Audit benchmark: verify (the whole log's hash chains through the event store) and export (the
 * NDJSON bundle with its line hashes, to a file), and the offline verify-export of that bundle, on a
 * log of BENCH_EVENTS events, each against a raw sequential read of the same table (keyset pages of
 * the same columns, nothing computed) in the same run, on a fresh database.
 *
 *   npm run bench:audit                       (BENCH_EVENTS=200000 npm run bench:audit on a busy machine)
 *
 * Environment (optional): BENCH_POSTGRES_URL, BENCH_EVENTS (1000000), BENCH_EVENTS_PER_STREAM (500),
 * BENCH_PAGE_SIZE (5000), BENCH_REPEATS (2: the best of each is reported, after one warm-up read).
 *
 * stdout: one JSON object (also written to bench/results/audit-<timestamp>.json); stderr: progress.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOG_START, type NewEvent } from '../../domain/eventStore/index.js';
import { createPgClient } from '../../infra/adapters/db/pgClient.js';
import { migrate } from '../../infra/adapters/db/migrate.js';
import type { SqlClient } from '../../infra/adapters/db/sqlClient.js';
import { verifyLog } from '../../infra/adapters/eventStore/hashChain.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from '../../infra/adapters/eventStore/postgres/postgresEventStore.js';
import { EVENT_COLUMNS } from '../../infra/adapters/eventStore/postgres/rows.js';
import { verifyBundle } from '../../infra/entry/audit/auditBundle.js';
import { exportBundle } from '../../infra/entry/audit/auditExport.js';
import { machineInfo } from '../shared/machine.js';
import { databaseUrl, dropDatabase, recreateDatabase, serverInfo } from '../shared/postgres.js';

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
const eventsTotal = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const eventsPerStream = Number(process.env.BENCH_EVENTS_PER_STREAM ?? 500);
const pageSize = Number(process.env.BENCH_PAGE_SIZE ?? 5_000);
const repeats = Number(process.env.BENCH_REPEATS ?? 2);
const database = `bench_audit_${process.pid}`;

const log = (message: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
};

/** A payment-sized event (≈ 300 bytes of data and metadata). */
function benchEvent(stream: number, revision: number): NewEvent {
  return {
    id: randomUUID(),
    type: revision === 0 ? 'PaymentIntentCreated' : 'PaymentAttemptStarted',
    schemaVersion: 1,
    data: {
      paymentIntentId: `pi_BENCH${String(stream).padStart(21, '0')}`,
      amountMinor: 1000 + revision,
      currency: 'JPY',
      storeId: 'str_01JD3W8Q4ZK6T9X2M5N7P1R3S8',
      occurredAt: '2026-12-07T01:00:00.000Z',
      attemptId: `pat_${revision}`,
    },
    metadata: { actor: 'terminal:trm_01JD3W8Q4ZK6T9X2M5N7P1R3S8', correlationId: randomUUID(), idempotencyKey: randomUUID() },
  };
}

async function seed(store: PostgresEventStore): Promise<void> {
  const streams = Math.ceil(eventsTotal / eventsPerStream);
  const chunk = 250;
  let next = 0;
  let written = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const stream = next;
      next += 1;
      if (stream >= streams) return;
      const count = Math.min(eventsPerStream, eventsTotal - stream * eventsPerStream);
      for (let revision = 0; revision < count; revision += chunk) {
        const events = Array.from({ length: Math.min(chunk, count - revision) }, (_, index) => benchEvent(stream, revision + index));
        await store.append(`Bench-${stream}`, events, revision === 0 ? { kind: 'no_stream' } : { kind: 'exact', revision: revision - 1 });
        written += events.length;
      }
      if (stream % 200 === 0) log(`seeded ${written}/${eventsTotal}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** The baseline: every row of the table, same columns, keyset pages in log order, nothing else. */
async function rawRead(client: SqlClient): Promise<number> {
  let tx = '0';
  let gp = '0';
  let rows = 0;
  for (;;) {
    const page = await client.query<{ transaction_id: string; global_position: string }>(
      `SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
        ORDER BY ledger_events.transaction_id, ledger_events.global_position LIMIT $3`,
      [tx, gp, pageSize],
    );
    rows += page.length;
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) return rows;
    tx = last.transaction_id;
    gp = last.global_position;
  }
}

type Measure = Readonly<{ events: number; seconds: number; eventsPerSecond: number }>;

async function measure(label: string, work: () => Promise<number>): Promise<Measure> {
  let best: Measure | undefined;
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const started = performance.now();
    const events = await work();
    const seconds = (performance.now() - started) / 1000;
    const result = { events, seconds: Number(seconds.toFixed(3)), eventsPerSecond: Math.round(events / seconds) };
    log(`${label} #${repeat + 1}: ${events} events in ${result.seconds} s = ${result.eventsPerSecond} events/s`);
    if (best === undefined || result.eventsPerSecond > best.eventsPerSecond) best = result;
  }
  if (best === undefined) throw new Error('BENCH_REPEATS must be ≥ 1');
  return best;
}

async function main(): Promise<void> {
  await recreateDatabase(database);
  const client = createPgClient({
    connectionString: databaseUrl(database),
    poolSizeMax: 16,
    statementTimeoutMs: 0,
    idleInTransactionTimeoutMs: 60_000,
    applicationName: 'bench-audit',
  });
  const folder = mkdtempSync(join(tmpdir(), 'bench-audit-'));
  const store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client });
  try {
    await migrate(client);
    const seedStarted = performance.now();
    await seed(store);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`seeded ${eventsTotal} events in ${seedSeconds.toFixed(1)} s`);
    await client.query('VACUUM ANALYZE ledger_events');
    await rawRead(client);
    const bundle = join(folder, 'bench.ndjson');
    const raw = await measure('raw read', () => rawRead(client));
    const verify = await measure('verify', async () => (await verifyLog(store, { pageSize })).eventsChecked);
    const exported = await measure(
      'export',
      async () => (await exportBundle({ store, client, from: LOG_START, to: undefined, out: bundle, now: () => new Date(), pageSize })).events,
    );
    const offline = await measure('verify-export', async () => {
      const report = await verifyBundle(bundle);
      if (!report.ok) throw new Error(`bundle fails: ${JSON.stringify(report.problem)}`);
      return report.events;
    });
    const ratio = (m: Measure): number => Number((m.eventsPerSecond / raw.eventsPerSecond).toFixed(3));
    const result = {
      bench: 'audit',
      at: new Date().toISOString(),
      events: eventsTotal,
      eventsPerStream,
      pageSize,
      repeats,
      seedSeconds: Number(seedSeconds.toFixed(1)),
      bundleBytes: statSync(bundle).size,
      rawRead: raw,
      verify: { ...verify, ratioToRawRead: ratio(verify) },
      export: { ...exported, ratioToRawRead: ratio(exported) },
      verifyExport: { ...offline, ratioToRawRead: ratio(offline) },
      targetEventsPerSecond: 100_000,
      meetsTarget: verify.eventsPerSecond >= 100_000 && exported.eventsPerSecond >= 100_000,
      machine: machineInfo(),
      server: await serverInfo(),
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `audit-${result.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    log(`written ${file}`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await store.close();
    await client.close();
    await dropDatabase(database);
  }
}

await main();
