/**
 * Load shedding (docs/load-shedding.md) on the whole ledger: a request over the in-flight limit, over
 * a terminal's quota or during event-loop pressure is refused with a retryable problem document and
 * changes nothing — no event, no stored idempotency key — while health and readiness still answer.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestLedger, type TestLedger } from '../support/testLedger.js';

const CASH = { amount: 1_200, mode: 'manual' } as const;
let harness: TestLedger | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function storedKeys(ledger: TestLedger, keys: readonly string[]): Promise<number> {
  const rows = await ledger.ledger.client.query<{ n: number }>('SELECT count(*)::int AS n FROM idempotency_keys WHERE key = ANY($1)', [keys]);
  return rows[0]?.n ?? 0;
}

function expectRetryableProblem(response: LightMyRequestResponse, status: number, code: string): void {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  expect(response.json()).toMatchObject({ status, code, request_id: expect.any(String) as unknown });
}

describe('load shedding', () => {
  it('refuses requests over the in-flight limit with 503 overloaded, storing nothing for them', async () => {
    harness = await startTestLedger({ LEDGER_MAX_IN_FLIGHT: '2' });
    const tenant = await harness.tenant();
    const terminal = await harness.asTerminal(tenant);
    const before = await harness.eventCount();
    const keys = Array.from({ length: 12 }, () => randomUUID());
    const answers = await Promise.all(keys.map((key) => terminal.post('/v1/payment_intents', CASH, { key })));
    const shed = answers.map((answer, index) => ({ answer, key: keys[index] ?? '' })).filter(({ answer }) => answer.statusCode === 503);
    const created = answers.filter((answer) => answer.statusCode === 201);
    expect(shed.length).toBeGreaterThan(0);
    expect(created.length + shed.length).toBe(keys.length);
    shed.forEach(({ answer }) => {
      expectRetryableProblem(answer, 503, 'overloaded');
    });
    expect(shed[0]?.answer.headers['x-should-retry']).toBe('true');
    // Each accepted create wrote its events; the shed ones wrote nothing and claimed no key.
    expect(await harness.eventCount()).toBe(before + created.length);
    expect(
      await storedKeys(
        harness,
        shed.map(({ key }) => key),
      ),
    ).toBe(0);
    // Retried one at a time with the same keys, they are served as new requests.
    for (const { key } of shed) expect((await terminal.post('/v1/payment_intents', CASH, { key })).statusCode).toBe(201);
    expect((await harness.ledger.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('does not count a long-poll waiting for a change against the in-flight limit', async () => {
    harness = await startTestLedger({ LEDGER_MAX_IN_FLIGHT: '1' });
    const terminal = await harness.asTerminal(await harness.tenant());
    const created = await terminal.post('/v1/payment_intents', CASH);
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();
    const revision = String(created.headers['x-stream-revision'] ?? (await terminal.get(`/v1/payment_intents/${id}`)).headers['x-stream-revision']);
    const waiting = terminal.get(`/v1/payment_intents/${id}?wait_for_change=${revision}&timeout_ms=3000`);
    // While the long-poll waits, the one slot serves other requests; the confirm is the change it waits for.
    const confirmed = await terminal.post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'cash', tendered: 2_000 } });
    expect(confirmed.statusCode).toBe(200);
    const changed = await waiting;
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ id, status: 'completed' });
  });

  it('refuses a terminal over its quota with 429 rate_limited; other terminals and partners go on', async () => {
    harness = await startTestLedger({ LEDGER_QUOTA_TERMINAL_PER_MINUTE: '3' });
    const [tenant, other] = [await harness.tenant(), await harness.tenant()];
    const terminal = await harness.asTerminal(tenant);
    for (let index = 0; index < 3; index += 1) expect((await terminal.post('/v1/payment_intents', CASH)).statusCode).toBe(201);
    const before = await harness.eventCount();
    const key = randomUUID();
    const refused = await terminal.post('/v1/payment_intents', CASH, { key });
    expectRetryableProblem(refused, 429, 'rate_limited');
    expect(refused.json<{ detail: string }>().detail).toContain(`terminal:${tenant.terminalId}`);
    expect(await harness.eventCount()).toBe(before);
    expect(await storedKeys(harness, [key])).toBe(0);
    expect((await (await harness.asTerminal(other)).post('/v1/payment_intents', CASH)).statusCode).toBe(201);
    expect((await harness.asPartner(tenant).get(`/v1/merchants/${tenant.merchantId}`)).statusCode).toBe(200);
  });

  it('sheds while the event loop is delayed beyond the limit, and serves again once it is not', async () => {
    harness = await startTestLedger({ LEDGER_SHED_EVENT_LOOP_DELAY_MS: '50' });
    const tenant = await harness.tenant();
    const terminal = await harness.asTerminal(tenant);
    expect((await terminal.post('/v1/payment_intents', CASH)).statusCode).toBe(201);
    // Sustained pressure, as under a CPU-bound overload: for 2.5 s the loop is held 200 ms at a time.
    for (const end = Date.now() + 2_500; Date.now() < end;) {
      const blockedUntil = Date.now() + 200;
      while (Date.now() < blockedUntil);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    // The ledger's sampler reports the delay within its one-second interval: its own answers say when.
    let shed: LightMyRequestResponse | undefined;
    for (const deadline = Date.now() + 5_000; shed === undefined && Date.now() < deadline;) {
      const answer = await terminal.get('/health');
      if (answer.statusCode !== 200) throw new Error(`health must never be shed: ${answer.statusCode}`);
      const refused = await harness.ledger.app.inject({ method: 'GET', url: '/v1/payment_intents/pi_none' });
      if (refused.statusCode === 503) shed = refused;
    }
    if (shed === undefined) throw new Error('no request was shed within 5 s of 2.5 s of event-loop pressure');
    expectRetryableProblem(shed, 503, 'overloaded');
    expect(shed.json<{ detail: string }>().detail).toMatch(/eventLoopDelay: \d+ ms/);
    const before = await harness.eventCount();
    await expect.poll(async () => (await terminal.post('/v1/payment_intents', CASH)).statusCode, { timeout: 5_000, interval: 100 }).toBe(201);
    expect(await harness.eventCount()).toBeGreaterThan(before);
  });
});
