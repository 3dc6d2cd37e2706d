/**
 * Lag with a cause and stuck payments, on the whole ledger and the real PostgreSQL: an open
 * transaction holding an xid hides every later commit from log readers; the overview (and the
 * metrics) name it from pg_stat_activity, and once it ends the projections catch up. A card
 * attempt whose outcome is unknown is listed as stuck, by provider and store, with its ids.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../support/testLedger.js';
import { testDatabaseUrl } from '../support/database.js';
import { waitUntil } from '../support/kafka/kafkaTestKit.js';

const SECRET = 'test-operator-secret-diagnostics-0123456789ab';
let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;

type Holder = { pid: number; state: string | null; transaction_age_seconds: number; application_name: string; query: string; backend_xid: string };
type Overview = {
  role: string;
  log_horizon: { hidden_events: number; held_back_by: Holder[] };
  projections: { name: string; serving: { events_behind: number } | null }[];
  stuck_payments: {
    total: number;
    groups: { provider: string | null; store_id: string; count: number; payments: { payment_intent_id: string; attempt_id: string | null }[] }[];
  } | null;
};

const overview = async (): Promise<Overview> => {
  const response = await harness.ledger.app.inject({ method: 'GET', url: '/v1/ops/overview', headers: { 'x-operator-secret': SECRET } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Overview>();
};

beforeAll(async () => {
  harness = await startTestLedger({ LEDGER_OPERATOR_SECRET: SECRET });
  tenant = await harness.tenant();
  terminal = await harness.asTerminal(tenant);
});
afterAll(async () => {
  await harness.close();
});

describe('GET /v1/ops/overview', () => {
  it('needs a staff credential', async () => {
    const response = await harness.ledger.app.inject({ method: 'GET', url: '/v1/ops/overview' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'authentication_required' });
    expect((await overview()).role).toBe('operator');
  });

  it('names the open transaction that holds log readers back, and the projections catch up once it ends', async () => {
    await harness.ledger.projections.caughtUp();
    const holder = new pg.Client({ connectionString: testDatabaseUrl(), application_name: 'forgotten-migration' });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      const [row] = (await holder.query<{ pid: number; xid: string }>('SELECT pg_backend_pid() AS pid, pg_current_xact_id()::text AS xid')).rows;
      const created = await terminal.post('/v1/payment_intents', { amount: 900, mode: 'manual' });
      expect(created.statusCode, created.body).toBe(201);

      const held = await overview();
      expect(held.log_horizon.hidden_events).toBeGreaterThanOrEqual(1);
      const named = held.log_horizon.held_back_by.find((candidate) => candidate.pid === row?.pid);
      expect(named).toMatchObject({ state: 'idle in transaction', application_name: 'forgotten-migration', backend_xid: row?.xid });
      expect(named?.transaction_age_seconds).toBeGreaterThanOrEqual(0);
      expect(named?.query).toContain('pg_current_xact_id');
      const metrics = await harness.ledger.app.inject({ method: 'GET', url: '/metrics', headers: { 'x-operator-secret': SECRET } });
      expect(Number(/^ledger_log_hidden_events (\d+)$/m.exec(metrics.body)?.[1])).toBeGreaterThanOrEqual(1);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await waitUntil(async () => (await overview()).log_horizon.hidden_events === 0, 10_000, 'the hidden events to become visible');
    await harness.ledger.projections.caughtUp();
    expect((await overview()).projections.every((projection) => projection.serving?.events_behind === 0)).toBe(true);
  });

  it('lists a card attempt with an unknown outcome as stuck past the threshold, by provider and store, with its ids', async () => {
    const created = await terminal.post('/v1/payment_intents', { amount: 4200, mode: 'external' });
    const id = created.json<{ id: string }>().id;
    const launched = await terminal.post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'card' } });
    const attemptId = launched.json<{ next_action: { attempt_id: string } }>().next_action.attempt_id;
    const unknown = await terminal.post(`/v1/payment_intents/${id}/card_result`, { attempt_id: attemptId, outcome: 'unknown' });
    expect(unknown.json()).toMatchObject({ status: 'processing' });
    await harness.ledger.projections.caughtUp();

    const stuck = async (seconds: number) => {
      const response = await harness.ledger.app.inject({ method: 'GET', url: `/v1/ops/stuck_payments?older_than_seconds=${seconds}`, headers: { 'x-operator-secret': SECRET } });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<NonNullable<Overview['stuck_payments']>>();
    };
    // The read model shows the attempt processing once the projection has applied it.
    await waitUntil(async () => (await stuck(0)).groups.some((candidate) => candidate.store_id === tenant.storeId), 10_000, 'the stuck attempt in the read model');
    const group = (await stuck(0)).groups.find((candidate) => candidate.store_id === tenant.storeId);
    expect(group).toMatchObject({ provider: null, count: 1 });
    expect(group?.payments).toEqual([expect.objectContaining({ payment_intent_id: id, attempt_id: attemptId })]);
    expect((await stuck(3600)).groups.find((candidate) => candidate.store_id === tenant.storeId)).toBeUndefined();
    // The overview uses the configured threshold (default 300 s): not stuck yet.
    expect((await overview()).stuck_payments?.groups.find((candidate) => candidate.store_id === tenant.storeId)).toBeUndefined();
    const refused = await harness.ledger.app.inject({ method: 'GET', url: '/v1/ops/stuck_payments?older_than_seconds=-1', headers: { 'x-operator-secret': SECRET } });
    expect(refused.statusCode).toBe(400);
  });
});
