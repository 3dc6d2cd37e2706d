/**
 * GET /metrics on the whole ledger: refused without a staff credential, the counters move with
 * real commands (events appended, idempotent replays, command outcomes), two ledgers in one
 * process keep separate registries, the loopback mode, and a REAL Prometheus server scraping the
 * ledger over HTTP with a bearer token, queried back through its own HTTP API.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../support/testLedger.js';
import { waitUntil } from '../support/kafka/kafkaTestKit.js';
import { startPrometheus } from './prometheusServer.js';
import { staffToken } from './staffToken.js';

const SECRET = 'test-operator-secret-metrics-0123456789abcdef';
let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;
/** A staff credential of role ops: what a Prometheus scrape job holds. */
let opsToken: string;

/** The value of one sample in the text exposition (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const prefix = `${name}${labels === '' ? '' : `{${labels}}`} `;
  const line = text.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

const scrape = async (ledger: TestLedger = harness): Promise<string> => {
  const response = await ledger.ledger.app.inject({ method: 'GET', url: '/metrics', headers: { 'x-operator-secret': SECRET } });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toContain('text/plain');
  return response.body;
};

const payCash = async (amount: number): Promise<void> => {
  const created = await terminal.post('/v1/payment_intents', { amount, mode: 'manual' });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json<{ id: string }>().id;
  const confirmed = await terminal.post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'cash', tendered: amount } });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
};

beforeAll(async () => {
  harness = await startTestLedger({ LEDGER_OPERATOR_SECRET: SECRET });
  tenant = await harness.tenant();
  terminal = await harness.asTerminal(tenant);
  opsToken = await staffToken(harness, SECRET, 'ops');
});
afterAll(async () => {
  await harness.close();
});

describe('GET /metrics', () => {
  it('needs an ops or operator credential', async () => {
    const get = (headers: Record<string, string>) => harness.ledger.app.inject({ method: 'GET', url: '/metrics', headers });
    const none = await get({});
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 'authentication_required' });
    for (const headers of [{ authorization: 'Bearer stf_wrong.credential' }, { authorization: `Bearer ${SECRET}` }, { 'x-operator-secret': 'wrong' }])
      expect((await get(headers)).statusCode).toBe(401);
    expect((await get({ authorization: `Bearer ${await staffToken(harness, SECRET, 'auditor')}` })).statusCode).toBe(403);
    expect((await get({ authorization: `Bearer ${opsToken}` })).statusCode).toBe(200);
    expect((await get({ 'x-operator-secret': SECRET })).statusCode).toBe(200);
  });

  it('counts appends, events, replays and command outcomes, and shows the subscribers and the pool', async () => {
    const before = await scrape();
    const eventsBefore = sample(before, 'ledger_events_appended_total') ?? 0;
    const countBefore = await harness.eventCount();
    await payCash(700);
    const key = randomUUID();
    const first = await terminal.post('/v1/payment_intents', { amount: 300, mode: 'manual' }, { key });
    const again = await terminal.post('/v1/payment_intents', { amount: 300, mode: 'manual' }, { key });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.statusCode).toBe(201);
    const refused = await terminal.post('/v1/payment_intents', { amount: -1, mode: 'manual' });
    expect(refused.statusCode).toBe(400);
    await harness.ledger.projections.caughtUp();

    const after = await scrape();
    expect((sample(after, 'ledger_events_appended_total') ?? 0) - eventsBefore).toBe((await harness.eventCount()) - countBefore);
    expect(sample(after, 'ledger_idempotency_total', 'outcome="replayed"')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'ledger_commands_total', 'command="POST /v1/payment_intents",outcome="replayed"')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'ledger_commands_total', 'command="POST /v1/payment_intents",outcome="validation_error"')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'ledger_commands_total', 'command="POST /v1/payment_intents/:payment_intent_id/confirm",outcome="ok"')).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/^http_request_duration_seconds_count\{method="POST",route="\/v1\/payment_intents",status_code="201"\} \d+$/m);
    expect(after).toMatch(/^ledger_append_batch_requests_count \d+$/m);
    expect(sample(after, 'ledger_projection_events_behind', 'projection="journal"')).toBe(0);
    expect(sample(after, 'ledger_projection_state', 'projection="journal",state="running"')).toBe(1);
    expect(sample(after, 'ledger_relay_state', 'relay="payments",state="disabled"')).toBe(1);
    expect(sample(after, 'ledger_relay_backlog_events', 'relay="payments"')).toBeGreaterThan(0);
    expect(after).toMatch(/^ledger_db_pool_connections\{state="in_use"\} \d+$/m);
    expect(after).toMatch(/^ledger_db_pool_waiting_requests \d+$/m);
    expect(after).toMatch(/^process_cpu_seconds_total /m);
  });

  it('keeps one registry per ledger: a second ledger in the same process starts from zero', async () => {
    const second = await startTestLedger({ LEDGER_OPERATOR_SECRET: SECRET });
    try {
      const text = await scrape(second);
      expect(sample(text, 'ledger_events_appended_total')).toBe(0);
      expect(sample(await scrape(), 'ledger_events_appended_total')).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });

  it('LEDGER_METRICS_ACCESS=loopback opens it to loopback peers only', async () => {
    const open = await startTestLedger({ LEDGER_OPERATOR_SECRET: SECRET, LEDGER_METRICS_ACCESS: 'loopback' });
    try {
      expect((await open.ledger.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
      expect((await open.ledger.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' })).statusCode).toBe(401);
    } finally {
      await open.close();
    }
  });
});

describe('a real Prometheus server', () => {
  it('scrapes the ledger with a bearer token and answers a query for the events appended', async () => {
    const address = await harness.ledger.app.listen({ host: '127.0.0.1', port: 0 });
    const prometheus = await startPrometheus({ address: new URL(address).host, bearer: opsToken });
    try {
      await waitUntil(async () => (await prometheus.targetHealth()) === 'up', 20_000, 'the ledger target to be up in /api/v1/targets');
      for (let n = 0; n < 5; n += 1) await payCash(100 + n);
      const expected = sample(await scrape(), 'ledger_events_appended_total');
      expect(expected).toBeGreaterThanOrEqual(10);
      let seen: number | undefined;
      await waitUntil(
        async () => {
          seen = await prometheus.query('ledger_events_appended_total{job="ledger"}');
          return seen === expected;
        },
        20_000,
        `Prometheus to report ledger_events_appended_total = ${expected}`,
      );
      // The projections catch up; a later scrape shows them 0 events behind.
      await harness.ledger.projections.caughtUp();
      await waitUntil(async () => (await prometheus.query('sum(ledger_projection_events_behind{job="ledger"})')) === 0, 20_000, 'Prometheus to see every projection caught up');
      expect(await prometheus.query('up{job="ledger"}')).toBe(1);
    } finally {
      await prometheus.stop();
    }
  });
});
