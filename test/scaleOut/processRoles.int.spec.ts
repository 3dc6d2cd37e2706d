/**
 * Scale-out (docs/scale-out.md): two API processes (LEDGER_ROLES=api) and one process with the
 * singleton roles (projector, relay, reactor) share one PostgreSQL database. Conflicting commands
 * on the same intents go to both API processes at once; afterwards the log holds exactly one
 * outcome per intent, one intent per idempotency key, every acknowledged write, an intact hash
 * chain, and the projector process has brought the read model to the same states.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStream } from '../../infra/adapters/eventStore/hashChain.js';
import { testDatabaseUrl } from '../support/database.js';
import { startLedgerProcess, type LedgerProcess } from '../support/ledgerProcess.js';
import { startTestLedger, type TestLedger } from '../support/testLedger.js';
import type { TenantFixture } from '../support/tenancyFixtures.js';

const INTENTS = 16;
const TERMINAL_OUTCOMES = ['CashPaymentReceived', 'PaymentIntentCanceled'];

type Answer = Readonly<{ status: number; body: Record<string, unknown>; text: string }>;

let setup: TestLedger;
let tenant: TenantFixture;
let token: string;
const processes: LedgerProcess[] = [];

async function call(base: string, method: 'GET' | 'POST', path: string, body?: unknown, key?: string): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (key !== undefined) headers['idempotency-key'] = key;
  const response = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, text };
}

/** As a client does: a retryable answer (409 idempotency_key_in_use, 409 concurrent_modification, 503) is sent again with the same key. */
async function callUntilSettled(base: string, path: string, body: unknown, key: string): Promise<Answer> {
  for (let attempt = 0; ; attempt += 1) {
    const answer = await call(base, 'POST', path, body, key);
    const retryable = answer.status === 503 || (answer.status === 409 && ['idempotency_key_in_use', 'concurrent_modification'].includes(String(answer.body.code)));
    if (!retryable || attempt === 50) return answer;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  // This process only seeds the tenant and issues the terminal's token: it runs the api role alone.
  setup = await startTestLedger({ LEDGER_ROLES: 'api' });
  tenant = await setup.tenant();
  token = await setup.terminalToken(tenant);
  const database = { DATABASE_URL: testDatabaseUrl() };
  processes.push(
    ...(await Promise.all([
      startLedgerProcess({ ...database, LEDGER_ROLES: 'api' }),
      startLedgerProcess({ ...database, LEDGER_ROLES: 'api' }),
      startLedgerProcess({ ...database, LEDGER_ROLES: 'projector,relay,reactor' }),
    ])),
  );
});

afterAll(async () => {
  const codes = await Promise.all(processes.map((ledgerProcess) => ledgerProcess.stop()));
  await setup.close();
  expect(codes).toEqual([0, 0, 0]);
});

describe('two API processes and one projector process on one database', () => {
  it('say which roles they run, and only the API processes answer commands', async () => {
    const [apiA, , singletons] = processes.map((ledgerProcess) => ledgerProcess.baseUrl);
    expect(processes[0]?.output()).toContain('"msg":"roles: api"');
    expect(processes[2]?.output()).toContain('"msg":"roles: projector, relay, reactor"');
    expect((await fetch(`${singletons}/ready`)).status).toBe(200);
    const refused = await call(singletons ?? '', 'POST', '/v1/payment_intents', { amount: 100, mode: 'manual' }, randomUUID());
    expect(refused.status).toBe(404);
    expect((await call(apiA ?? '', 'POST', '/v1/payment_intents', { amount: 100, mode: 'manual' }, randomUUID())).status).toBe(201);
  });

  it('lose nothing and double nothing under conflicting commands sent to both at once', async () => {
    const [apiA = '', apiB = '', singletons = ''] = processes.map((ledgerProcess) => ledgerProcess.baseUrl);
    const acknowledged: { intentId: string; outcome: string }[] = [];
    await Promise.all(
      Array.from({ length: INTENTS }, async (_, index) => {
        // One create, its key sent to both processes at once: one intent, the same answer twice.
        const createKey = randomUUID();
        const body = { amount: 1_000 + index, mode: 'manual' };
        const creates = await Promise.all([apiA, apiB].map((base) => callUntilSettled(base, '/v1/payment_intents', body, createKey)));
        expect(creates.map((answer) => answer.status)).toEqual([201, 201]);
        expect(creates[0]?.text).toBe(creates[1]?.text);
        const intentId = String(creates[0]?.body.id);
        // Two confirms and two cancels with their own keys, split over both processes: one outcome wins
        // (a second cancel of a canceled intent answers 200 with it, appending nothing; the rest are 409).
        const confirm = { payment_method: { type: 'cash', tendered: 5_000 } };
        const contenders = await Promise.all([
          callUntilSettled(apiA, `/v1/payment_intents/${intentId}/confirm`, confirm, randomUUID()),
          callUntilSettled(apiB, `/v1/payment_intents/${intentId}/cancel`, {}, randomUUID()),
          callUntilSettled(apiB, `/v1/payment_intents/${intentId}/confirm`, confirm, randomUUID()),
          callUntilSettled(apiA, `/v1/payment_intents/${intentId}/cancel`, {}, randomUUID()),
        ]);
        const winners = contenders.filter((answer) => answer.status === 200);
        const outcomes = new Set(winners.map((answer) => String(answer.body.status)));
        expect([...outcomes], contenders.map((answer) => `${answer.status} ${answer.text.slice(0, 120)}`).join('\n')).toHaveLength(1);
        contenders
          .filter((answer) => answer.status !== 200)
          .forEach((answer) => {
            expect(answer.status).toBe(409);
          });
        acknowledged.push({ intentId, outcome: [...outcomes][0] ?? '' });
      }),
    );

    const rows = await setup.ledger.client.query<{ stream_name: string; revisions: string[]; types: string[] }>(
      `SELECT stream_name, array_agg(stream_revision::text ORDER BY stream_revision) AS revisions, array_agg(event_type ORDER BY stream_revision) AS types
         FROM ledger_events WHERE stream_name = ANY($1) GROUP BY stream_name`,
      [acknowledged.map(({ intentId }) => `PaymentIntent-${intentId}`)],
    );
    expect(rows).toHaveLength(INTENTS);
    for (const row of rows) {
      expect(row.revisions).toEqual(row.revisions.map((_, revision) => String(revision)));
      expect(row.types.filter((type) => type === 'PaymentIntentCreated')).toHaveLength(1);
      expect(
        row.types.filter((type) => TERMINAL_OUTCOMES.includes(type)),
        row.types.join(','),
      ).toHaveLength(1);
    }
    // Each intent's hash chain is intact (the test database also holds other files' deliberately broken chains).
    for (const row of rows) expect(await verifyStream(setup.ledger.store, row.stream_name)).toMatchObject({ ok: true, eventsChecked: row.revisions.length });

    // The projector process brings the read model to the acknowledged outcomes (polled through an API process).
    for (const { intentId, outcome } of acknowledged) {
      await expect.poll(async () => (await call(apiB, 'GET', `/v1/reports/payment_intents/${intentId}`)).body.status, { timeout: 30_000, interval: 100 }).toBe(outcome);
    }
    const projections = await fetch(`${singletons}/ready`);
    expect(projections.status).toBe(200);
  });
});
