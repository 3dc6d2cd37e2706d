/**
 * What the fault suite shares: finding and terminating the ledger's backends by kind, waiting on
 * a state with a deadline, a cash-payment load over real HTTP sockets that retries the retryable
 * answers with the same Idempotency-Key (as a well-behaved client does), and the checks that
 * nothing acknowledged was lost and nothing was applied twice.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { expect } from 'vitest';
import { toPaymentIntentStreamName } from '../../domain/paymentIntent/index.js';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import type { TestLedger } from '../support/testLedger.js';

export type BackendKind = 'lock_session' | 'listen' | 'pool';

/** Runs `sql` on a connection of its own to the server at `serverUrl` (not the ledger's pool). */
export async function adminQuery<Row extends Record<string, unknown>>(serverUrl: string, sql: string, params: readonly unknown[] = []): Promise<Row[]> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    return (await admin.query<Row>(sql, [...params])).rows;
  } finally {
    await admin.end();
  }
}

const KIND_FILTERS: Record<BackendKind, string> = {
  lock_session: `pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)`,
  listen: `application_name LIKE '%-listen'`,
  pool: `application_name NOT LIKE '%-listen' AND pid NOT IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)`,
};

/** The pids of the ledger's backends of `kind` in `database`. */
export async function backends(serverUrl: string, database: string, kind: BackendKind): Promise<number[]> {
  const rows = await adminQuery<{ pid: number }>(
    serverUrl,
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name LIKE 'mpac-ledger%' AND ${KIND_FILTERS[kind]}`,
    [database],
  );
  return rows.map((row) => row.pid);
}

/** The advisory locks granted in `database` (one per singleton role holding its lock), with their holder. */
export async function advisoryLocks(serverUrl: string, database: string): Promise<{ pid: number; key: string }[]> {
  return adminQuery<{ pid: number; key: string }>(
    serverUrl,
    `SELECT l.pid, l.classid::text || ':' || l.objid::text AS key FROM pg_locks l JOIN pg_database d ON d.oid = l.database
      WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1 ORDER BY key`,
    [database],
  );
}

/** `pg_terminate_backend` on each pid; how many were terminated. */
export async function terminate(serverUrl: string, pids: readonly number[]): Promise<number> {
  if (pids.length === 0) return 0;
  const rows = await adminQuery<{ n: number }>(serverUrl, 'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM unnest($1::int[]) AS pid', [pids]);
  return rows[0]?.n ?? 0;
}

/** Polls `probe` until it returns something other than undefined/false; fails after `timeoutMs`, or at once on a failed `expect` inside it. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      // A broken expectation inside the probe fails at once; anything else is retried.
      if (error instanceof Error && error.name === 'AssertionError') throw error;
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export type Paid = Readonly<{ id: string; amount: number }>;

export type LoadReport = Readonly<{
  /** Intents whose create was answered 201. */
  created: readonly string[];
  /** Intents whose cash confirm was answered 200 (completed). */
  paid: readonly Paid[];
  /** Count of every status code seen. */
  statuses: Readonly<Record<string, number>>;
  /** The longest time one request spent being retried before its 2xx. */
  longestRetryMs: number;
  /** Anything a client must not see: a 500, a reset, a 503 without its retry headers… */
  violations: readonly string[];
}>;

export type CashLoad = Readonly<{ paidCount: () => number; retryableCount: () => number; stop: () => Promise<LoadReport> }>;

/**
 * `workers` concurrent clients, each paying in cash (create, then confirm) over HTTP at `baseUrl`
 * until stopped. A retryable answer (503 `database_unavailable`, 409 `idempotency_key_in_use` or
 * `concurrent_modification`) is retried with the same key after a short client back-off.
 */
export function startCashLoad(baseUrl: string, token: string, workers: number): CashLoad {
  let stopped = false;
  const created: string[] = [];
  const paid: Paid[] = [];
  const statuses: Record<string, number> = {};
  const violations: string[] = [];
  let retryable = 0;
  let longestRetryMs = 0;

  const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const key = randomUUID();
    const startedAt = Date.now();
    for (;;) {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
        });
      } catch (error) {
        violations.push(`${path}: no HTTP answer (${error instanceof Error ? `${error.message} ${String(error.cause)}` : String(error)})`);
        throw error;
      }
      const text = await response.text();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status === 200 || response.status === 201) {
        longestRetryMs = Math.max(longestRetryMs, Date.now() - startedAt);
        return JSON.parse(text) as Record<string, unknown>;
      }
      const code = (JSON.parse(text) as { code?: string }).code;
      const retryHeaders = response.headers.get('retry-after') !== null && response.headers.get('x-should-retry') === 'true';
      const isRetryable =
        (response.status === 503 && code === 'database_unavailable') || (response.status === 409 && (code === 'idempotency_key_in_use' || code === 'concurrent_modification'));
      if (!isRetryable || (response.status === 503 && !retryHeaders)) {
        violations.push(`${path}: ${response.status} ${text} retry-after=${response.headers.get('retry-after')} x-should-retry=${response.headers.get('x-should-retry')}`);
        throw new Error(`unexpected ${response.status}`);
      }
      retryable += 1;
      // The client's own back-off before retrying the same request (not a test synchronisation).
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const worker = async (index: number): Promise<void> => {
    for (let n = 0; !stopped; n += 1) {
      const amount = 100 + index * 1000 + (n % 900);
      const intent = await post('/v1/payment_intents', { amount, mode: 'manual' });
      const id = String(intent.id);
      created.push(id);
      const completed = await post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'cash', tendered: amount } });
      if (completed.status !== 'completed') violations.push(`${id}: confirmed as ${String(completed.status)}`);
      paid.push({ id, amount });
    }
  };

  const running = Promise.all(Array.from({ length: workers }, (_unused, index) => worker(index).catch(() => undefined)));
  return {
    paidCount: () => paid.length,
    retryableCount: () => retryable,
    stop: async () => {
      stopped = true;
      await running;
      return { created, paid, statuses, longestRetryMs, violations };
    },
  };
}

/**
 * Every projection's serving generation is at the head of the log with no rebuild under way, as
 * stored in the database: also true when another ledger on the same database runs it.
 */
export async function projectionsCaughtUp(harness: TestLedger, timeoutMs = 30_000): Promise<void> {
  let last: unknown;
  await waitFor(
    'every projection caught up',
    async () => {
      const statuses = await harness.ledger.projections.status();
      last = statuses.map((status) => ({ name: status.name, state: status.state, behind: status.serving?.events_behind, error: status.last_error?.message }));
      return statuses.every((status) => status.serving?.events_behind === 0 && status.rebuild === null);
    },
    timeoutMs,
  ).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}: ${JSON.stringify(last)}`);
  });
}

/**
 * Every created intent is in the log exactly once (one stream, one creation), every paid one is
 * completed there for its amount, and the read models agree with the log: one row per intent in
 * payment_intents, sales gross and count equal to what was paid (an event applied twice would
 * count twice).
 */
export async function expectNothingLostNorDoubled(harness: TestLedger, tenant: TenantFixture, report: LoadReport): Promise<void> {
  const sql = <Row extends Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<Row[]> => harness.ledger.client.query<Row>(text, params);
  const streams = report.created.map(toPaymentIntentStreamName);
  const [inLog] = await sql<{ streams: number; creations: number }>(
    `SELECT count(DISTINCT stream_name)::int AS streams, count(*) FILTER (WHERE stream_revision = 0)::int AS creations
       FROM ledger_events WHERE stream_name = ANY ($1::text[])`,
    [streams],
  );
  expect(inLog).toEqual({ streams: streams.length, creations: streams.length });
  const terminal = await harness.asTerminal(tenant);
  for (const { id, amount } of report.paid) {
    const response = await terminal.get(`/v1/payment_intents/${id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json<{ status: string; amount_received: number }>()).toMatchObject({ status: 'completed', amount_received: amount });
  }
  await projectionsCaughtUp(harness);
  const schemaOf = (projection: string): Promise<string> => harness.ledger.projections.readModels.servingSchema(projection);
  const rows = await sql<{ id: string }>(`SELECT id FROM ${await schemaOf('payment_intents')}.payment_intents WHERE merchant_id = $1`, [tenant.merchantId]);
  expect(rows.map((row) => row.id).sort()).toEqual([...report.created].sort());
  const [sales] = await sql<{ gross: string | null; payments: string | null }>(
    `SELECT sum(gross)::text AS gross, sum(payment_count)::text AS payments FROM ${await schemaOf('sales')}.sales_daily WHERE merchant_id = $1`,
    [tenant.merchantId],
  );
  const paidTotal = report.paid.reduce((sum, intent) => sum + intent.amount, 0);
  expect({ gross: Number(sales?.gross ?? 0), payments: Number(sales?.payments ?? 0) }).toEqual({ gross: paidTotal, payments: report.paid.length });
}
