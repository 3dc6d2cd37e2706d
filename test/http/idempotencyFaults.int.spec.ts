/**
 * Idempotency under faults that are not the client's (issue 9 items 2 and 5): a 500 is never
 * pinned to its key, and a key claimed by an owner that died is free at once instead of after a
 * lease. The failures are real: a trigger in the test database makes the append fail; the dead
 * owner is a PostgreSQL session that held the claim and is terminated.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../support/database.js';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestbed, type HttpCaller, type TestLedger } from '../support/testLedger.js';

let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;

beforeAll(async () => {
  ({ harness, tenant, terminal } = await startTestbed());
});
afterAll(async () => {
  await harness.close();
});

const createBody = { amount: 1200, mode: 'manual' };

async function record(key: string): Promise<{ state: string; response_status: number | null } | undefined> {
  const rows = await harness.ledger.client.query<{ state: string; response_status: number | null }>('SELECT state, response_status FROM idempotency_keys WHERE key = $1', [key]);
  return rows[0];
}

async function createdEvents(key: string): Promise<number> {
  const rows = await harness.ledger.client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ledger_events WHERE event_type = 'PaymentIntentCreated' AND metadata ->> 'idempotencyKey' = $1`,
    [key],
  );
  return rows[0]?.n ?? 0;
}

describe('5xx outcomes are not pinned', () => {
  it('an internal failure answers 500 with X-Should-Retry: true and leaves no record; the same key runs once the fault is gone', async () => {
    const key = `provoke-500-${randomUUID()}`;
    await harness.ledger.client.exec(`
      CREATE OR REPLACE FUNCTION test_provoked_append_failure() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.metadata ->> 'idempotencyKey' LIKE 'provoke-500-%' THEN RAISE EXCEPTION 'provoked append failure'; END IF;
        RETURN NEW;
      END $$;
      CREATE OR REPLACE TRIGGER test_provoked_append_failure BEFORE INSERT ON ledger_events FOR EACH ROW EXECUTE FUNCTION test_provoked_append_failure();`);
    try {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const failed = await terminal.post('/v1/payment_intents', createBody, { key });
        expect(failed.statusCode).toBe(500);
        expect(failed.json()).toMatchObject({ code: 'internal_error' });
        expect(failed.headers['idempotent-replayed']).toBeUndefined();
        expect(failed.headers['x-should-retry']).toBe('true');
        expect(await record(key)).toBeUndefined();
      }
    } finally {
      await harness.ledger.client.exec('DROP TRIGGER IF EXISTS test_provoked_append_failure ON ledger_events; DROP FUNCTION IF EXISTS test_provoked_append_failure();');
    }
    const retried = await terminal.post('/v1/payment_intents', createBody, { key });
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await createdEvents(key)).toBe(1);
    expect(await record(key)).toEqual({ state: 'completed', response_status: 201 });
  });

  it('a 500 stored by an older version is not replayed: the same key runs', async () => {
    const key = randomUUID();
    await harness.ledger.client.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, state, response_status, response_body, expires_at)
       VALUES ($1, $2, $3, 'completed', 500, '{"code":"internal_error"}', now() + interval '7 days')`,
      [`terminal:${tenant.terminalId}`, key, await fingerprintOfCreate()],
    );
    const retried = await terminal.post('/v1/payment_intents', createBody, { key });
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await createdEvents(key)).toBe(1);
  });
});

/** The fingerprint the ledger computes for `POST /v1/payment_intents` with createBody (read from a probe request's record). */
async function fingerprintOfCreate(): Promise<string> {
  const key = `probe-${randomUUID()}`;
  expect((await terminal.post('/v1/payment_intents', createBody, { key })).statusCode).toBe(201);
  const rows = await harness.ledger.client.query<{ fingerprint: string }>('SELECT fingerprint FROM idempotency_keys WHERE key = $1', [key]);
  return rows[0]?.fingerprint ?? '';
}

/** Another "process": its own PostgreSQL session holding an owner lock and a claim on `key`, with a full 60 s lease. */
async function claimByAnotherProcess(key: string): Promise<pg.Client> {
  const other = new pg.Client({ connectionString: testDatabaseUrl(), application_name: 'ledger-test-other-owner' });
  other.on('error', () => undefined);
  await other.connect();
  const owner = randomUUID();
  await other.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [`idempotency-owner:${owner}`]);
  await other.query(
    `INSERT INTO idempotency_keys (scope, key, fingerprint, state, locked_until, expires_at, owner)
     VALUES ($1, $2, $3, 'in_progress', now() + interval '60 seconds', now() + interval '7 days', $4)`,
    [`terminal:${tenant.terminalId}`, key, await fingerprintOfCreate(), owner],
  );
  return other;
}

describe('in-progress claims belong to a live owner session', () => {
  it('while the owner lives: 409 idempotency_key_in_use with Retry-After: 1, however long its lease', async () => {
    const key = randomUUID();
    const other = await claimByAnotherProcess(key);
    try {
      const busy = await terminal.post('/v1/payment_intents', createBody, { key });
      expect(busy.statusCode).toBe(409);
      expect(busy.json()).toMatchObject({ code: 'idempotency_key_in_use' });
      expect(busy.headers['retry-after']).toBe('1');
      expect(await createdEvents(key)).toBe(0);
    } finally {
      await other.end();
    }
  });

  it('an owner whose session was terminated is taken over within 2 s, not after its 60 s lease; the command runs once', async () => {
    const key = randomUUID();
    const other = await claimByAnotherProcess(key);
    expect((await terminal.post('/v1/payment_intents', createBody, { key })).statusCode).toBe(409);
    const [backend] = await harness.ledger.client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'ledger-test-other-owner'`);
    await harness.ledger.client.query('SELECT pg_terminate_backend($1)', [backend?.pid]);
    const terminatedAt = Date.now();
    let status = 409;
    while (status === 409 && Date.now() - terminatedAt < 2_000) {
      status = (await terminal.post('/v1/payment_intents', createBody, { key })).statusCode;
    }
    expect(status).toBe(201);
    expect(await createdEvents(key)).toBe(1);
    await other.end().catch(() => undefined);
  });

  it('this process survives the termination of its own owner session and re-takes the lock on a new one', async () => {
    const key = randomUUID();
    expect((await terminal.post('/v1/payment_intents', createBody, { key })).statusCode).toBe(201);
    const [claimed] = await harness.ledger.client.query<{ owner: string }>('SELECT owner FROM idempotency_keys WHERE key = $1', [key]);
    const holder = async (): Promise<number | undefined> => {
      const [row] = await harness.ledger.client.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
            AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('idempotency-owner:' || $1, 0)`,
        [claimed?.owner],
      );
      return row?.pid;
    };
    const before = await holder();
    expect(before).toBeDefined();
    await harness.ledger.client.query('SELECT pg_terminate_backend($1)', [before]);
    // The heartbeat notices within a second; the next claim re-takes the lock on a new session.
    await expect
      .poll(
        async () => {
          await terminal.post('/v1/payment_intents', createBody);
          return holder();
        },
        { timeout: 10_000, interval: 100 },
      )
      .toSatisfy((pid: number | undefined) => pid !== undefined && pid !== before);
  });

  it('a claim by this process stays in progress: the owner lock is held by its own session', async () => {
    const key = randomUUID();
    const ref = { scope: `terminal:${tenant.terminalId}`, key };
    expect((await harness.ledger.context.idempotency.begin(ref, 'f-live')).outcome).toBe('started');
    expect(await harness.ledger.context.idempotency.begin(ref, 'f-live')).toEqual({ outcome: 'in_progress', retryAfterSeconds: 1 });
    await harness.ledger.context.idempotency.release(ref);
  });
});
