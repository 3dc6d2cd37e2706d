/**
 * `npm run audit -- <command>`: the auditor's command line. It opens the store directly — the
 * PostgreSQL server of `DATABASE_URL`, or the embedded store in `LEDGER_DATA_DIR` (default `data`;
 * stop the server first, the folder is locked) — and only reads (replay writes a scratch schema it
 * drops). `verify-export` needs no database at all.
 *
 *   export --out FILE [--from C:P] [--to C:P]   NDJSON bundle of the log range (from, to] + manifest
 *   verify-export FILE                          recompute every hash and head of a bundle, offline
 *   verify [--stream S]                         the hash chain of the whole log or of one stream
 *   replay                                      rebuild every read model into a scratch schema and compare
 *
 * Progress bars (events/s, ETA) go to stderr on a terminal; the summary is printed as JSON on
 * stdout. Exit code: 0 ok, 1 a check failed, 2 a usage error.
 */
import { SingleBar, Presets } from 'cli-progress';
import { formatPosition, LOG_START, parsePosition, type LogPosition } from '../../../domain/eventStore/index.js';
import { allProjectors } from '../../../projections/index.js';
import { createPgClient } from '../../adapters/db/pgClient.js';
import { createPgliteClient } from '../../adapters/db/pgliteClient.js';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import { verifyLog, verifyStream } from '../../adapters/eventStore/hashChain.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from '../../adapters/eventStore/postgres/postgresEventStore.js';
import { loadConfig } from '../config.js';
import { verifyBundle } from '../audit/auditBundle.js';
import { exportBundle } from '../audit/auditExport.js';
import { readModelDigests, replayProjection, type ReplayResult } from '../audit/readModelDigests.js';

class UsageError extends Error {}

const USAGE = 'usage: npm run audit -- export --out FILE [--from C:P] [--to C:P] | verify-export FILE | verify [--stream S] | replay';

type Store = Readonly<{ client: SqlClient; store: PostgresEventStore; close: () => Promise<void> }>;

async function openStore(): Promise<Store> {
  const config = loadConfig(process.env);
  const client =
    config.database.kind === 'pglite'
      ? await createPgliteClient(config.database.dataDir)
      : createPgClient({ connectionString: config.database.url, poolSizeMax: 4, statementTimeoutMs: 0, idleInTransactionTimeoutMs: 60_000, applicationName: 'mpac-ledger-audit' });
  const store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client });
  return {
    client,
    store,
    close: async () => {
      await store.close();
      await client.close();
    },
  };
}

function progress(label: string, total: number): SingleBar {
  const bar = new SingleBar(
    { format: `${label} {bar} {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 50 },
    Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(Math.max(total, 1), 0, { speed: 0 });
  const update = bar.update.bind(bar);
  bar.update = ((value: number) => {
    update(value, { speed: Math.round(value / Math.max((Date.now() - started) / 1000, 0.001)) });
  }) as typeof bar.update;
  return bar;
}

async function countEvents(client: SqlClient): Promise<number> {
  const [row] = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM ledger_events');
  return Number(row?.n ?? 0);
}

function option(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return value;
}

function positionOption(args: readonly string[], name: string): LogPosition | undefined {
  const text = option(args, name);
  if (text === undefined) return undefined;
  const position = parsePosition(text);
  if (position === undefined) throw new UsageError(`${name} must be a log position "commit:prepare", not ${text}`);
  return position;
}

const print = (summary: unknown): void => {
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
};

async function runExport(args: readonly string[]): Promise<number> {
  const out = option(args, '--out');
  if (out === undefined) throw new UsageError('export needs --out FILE');
  const from = positionOption(args, '--from') ?? LOG_START;
  const to = positionOption(args, '--to');
  const opened = await openStore();
  try {
    const bar = progress('export', await countEvents(opened.client));
    const started = performance.now();
    const summary = await exportBundle({
      store: opened.store,
      client: opened.client,
      from,
      to,
      out,
      now: () => new Date(),
      onProgress: (n) => {
        bar.update(n);
      },
    });
    bar.stop();
    const seconds = (performance.now() - started) / 1000;
    print({ ...summary, seconds: Number(seconds.toFixed(3)), events_per_second: Math.round(summary.events / Math.max(seconds, 0.001)) });
    return 0;
  } finally {
    await opened.close();
  }
}

async function runVerifyExport(args: readonly string[]): Promise<number> {
  const file = args[0];
  if (file === undefined) throw new UsageError('verify-export needs FILE');
  const started = performance.now();
  const bar = progress('verify-export', 0);
  const report = await verifyBundle(file, (n) => {
    bar.setTotal(Math.max(n, 1));
    bar.update(n);
  });
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  const { manifest, ...rest } = report;
  print({
    ...rest,
    range: manifest === null ? null : { from: manifest.from, to: manifest.to },
    seconds: Number(seconds.toFixed(3)),
    events_per_second: Math.round(report.events / Math.max(seconds, 0.001)),
  });
  if (!report.ok && report.problem !== null) {
    const { line, event_id: eventId, stream, revision, reason } = report.problem;
    process.stderr.write(
      `BUNDLE FAILS at line ${line}${eventId === null ? '' : `, event ${eventId}`}${stream === null ? '' : ` (${stream} revision ${String(revision)})`}: ${reason}\n`,
    );
  }
  return report.ok ? 0 : 1;
}

async function runVerify(args: readonly string[]): Promise<number> {
  const stream = option(args, '--stream');
  const opened = await openStore();
  try {
    const started = performance.now();
    const bar = stream === undefined ? progress('verify', await countEvents(opened.client)) : undefined;
    const report = stream === undefined ? await verifyLog(opened.store, { pageSize: 5_000, onProgress: (n) => bar?.update(n) }) : await verifyStream(opened.store, stream);
    bar?.stop();
    const seconds = (performance.now() - started) / 1000;
    const firstBreak = report.firstBreak === undefined ? null : { ...report.firstBreak, position: formatPosition(report.firstBreak.position) };
    print({
      ok: report.ok,
      streams_checked: report.streamsChecked,
      events_checked: report.eventsChecked,
      first_break: firstBreak,
      seconds: Number(seconds.toFixed(3)),
      events_per_second: Math.round(report.eventsChecked / Math.max(seconds, 0.001)),
    });
    return report.ok ? 0 : 1;
  } finally {
    await opened.close();
  }
}

async function runReplay(): Promise<number> {
  const opened = await openStore();
  try {
    const digests = await readModelDigests(opened.client);
    const results: ReplayResult[] = [];
    for (const digest of digests) {
      const projector = allProjectors.find((candidate) => candidate.name === digest.projection);
      if (projector === undefined) continue;
      const bar = progress(`replay ${digest.projection}`, await countEvents(opened.client));
      results.push(
        await replayProjection({
          client: opened.client,
          store: opened.store,
          projector,
          digest,
          onProgress: (n) => {
            bar.update(n);
          },
        }),
      );
      bar.update(bar.getTotal());
      bar.stop();
    }
    print({
      identical: results.every((result) => result.identical),
      projections: results.map((result) => ({
        projection: result.projection,
        position: result.position,
        events_applied: result.eventsApplied,
        identical: result.identical,
        tables: result.tables.map((table) =>
          table.identical
            ? { table: table.table, rows: table.serving.rows, identical: true }
            : { table: table.table, identical: false, serving: table.serving, replayed: table.replayed, first_difference: table.firstDifference },
        ),
      })),
    });
    return results.every((result) => result.identical) ? 0 : 1;
  } finally {
    await opened.close();
  }
}

async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'export':
      return runExport(rest);
    case 'verify-export':
      return runVerifyExport(rest);
    case 'verify':
      return runVerify(rest);
    case 'replay':
      return runReplay();
    case undefined:
    default:
      throw new UsageError(USAGE);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    if (!(error instanceof UsageError)) process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
  },
);
