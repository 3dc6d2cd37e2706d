/**
 * The auditor's routes over real HTTP on the whole ledger, on a database of its own (the whole-log
 * verify must not see other files' tampering): stream reads both ways with linked hashes, the log
 * paged with filters (every event exactly once), verify ok then the exact first break after one
 * stored event is changed, an intent and balances as of an instant folded from the log, and the
 * read-model digests at their log position. Only auditor and operator may call them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, recreateDatabase, TEST_DATABASE, testDatabaseUrl } from '../support/database.js';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../support/testLedger.js';

const DATABASE = `${TEST_DATABASE}_audit_routes`;
const OPERATOR_SECRET = 'audit-test-operator-secret-0123456789abcdef';
let harness: TestLedger;
let baseUrl: string;
let tenant: TenantFixture;
let terminal: HttpCaller;
let auditor: string;
let intentId: string;

type Event = { position: string; stream: string; revision: number; id: string; type: string; recorded_at: string; prev_hash: string; hash: string };
type Json = Record<string, unknown>;

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body it expects
async function get<T = Json>(path: string, token: string = auditor): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as T };
}

async function credential(role: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/operator/credentials`, {
    method: 'POST',
    headers: { 'x-operator-secret': OPERATOR_SECRET, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `audit test ${role}`, role }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { credential: string }).credential;
}

beforeAll(async () => {
  await recreateDatabase(DATABASE);
  harness = await startTestLedger({ DATABASE_URL: testDatabaseUrl(DATABASE), LEDGER_OPERATOR_SECRET: OPERATOR_SECRET });
  baseUrl = await harness.ledger.app.listen({ host: '127.0.0.1', port: 0 });
  tenant = await harness.tenant();
  terminal = await harness.asTerminal(tenant);
  auditor = await credential('auditor');
  for (const amount of [1000, 2500]) {
    const created = await terminal.post('/v1/payment_intents', { amount, mode: 'manual' });
    expect(created.statusCode).toBe(201);
    intentId = created.json<{ id: string }>().id;
  }
  // The last intent is confirmed once the millisecond clock has moved on, so an instant between its two events exists.
  const createdByMs = Date.now();
  while (Date.now() <= createdByMs + 1) await new Promise((resolve) => setImmediate(resolve));
  const confirmed = await terminal.post(`/v1/payment_intents/${intentId}/confirm`, { payment_method: { type: 'cash', tendered: 3000 } });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  await harness.ledger.projections.caughtUp();
});
afterAll(async () => {
  await harness.close();
  await dropDatabase(DATABASE);
});

describe('reading the log', () => {
  it('reads one stream forwards and backwards, each event linked to the previous by its hash', async () => {
    const stream = `PaymentIntent-${intentId}`;
    const forwards = await get<{ data: Event[]; next_revision: number | null }>(`/v1/audit/streams/${stream}`);
    expect(forwards.status).toBe(200);
    const events = forwards.body.data;
    expect(events.map((event) => event.revision)).toEqual(events.map((_, index) => index));
    expect(events[0]?.prev_hash).toBe('0'.repeat(64));
    for (let index = 1; index < events.length; index += 1) expect(events[index]?.prev_hash).toBe(events[index - 1]?.hash);
    const backwards = await get<{ data: Event[] }>(`/v1/audit/streams/${stream}?direction=backwards&limit=2`);
    expect(backwards.body.data.map((event) => event.revision)).toEqual([events.length - 1, events.length - 2]);
    const fromOne = await get<{ data: Event[]; next_revision: number | null }>(`/v1/audit/streams/${stream}?from_revision=1&limit=1`);
    expect(fromOne.body).toMatchObject({ data: [{ revision: 1 }], next_revision: 2 });
  });

  it('pages the whole log with a stream-prefix filter: every matching event exactly once, in position order', async () => {
    const [{ n } = { n: 0 }] = await harness.ledger.client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_events WHERE stream_name LIKE 'PaymentIntent-%'`);
    const seen: Event[] = [];
    let cursor = '';
    for (let page = 0; page < 50; page += 1) {
      const response = await get<{ data: Event[]; next_from: string; has_more: boolean }>(
        `/v1/audit/log?limit=2&stream_prefix=PaymentIntent-${cursor === '' ? '' : `&from=${cursor}`}`,
      );
      expect(response.status).toBe(200);
      seen.push(...response.body.data);
      cursor = response.body.next_from;
      if (!response.body.has_more) break;
    }
    expect(seen.length).toBe(n);
    expect(new Set(seen.map((event) => event.id)).size).toBe(n);
    expect(seen.every((event) => event.stream.startsWith('PaymentIntent-'))).toBe(true);
    const byType = await get<{ data: Event[] }>('/v1/audit/log?type=CashPaymentReceived');
    expect(byType.body.data.map((event) => event.type)).toEqual(['CashPaymentReceived']);
    expect((await get('/v1/audit/log?from=yesterday')).status).toBe(400);
  });
});

describe('as of an instant', () => {
  it('folds the intent from its stream up to the instant: pending before the confirm, completed after, absent before creation', async () => {
    const events = (await get<{ data: Event[] }>(`/v1/audit/streams/PaymentIntent-${intentId}`)).body.data;
    const createdAt = events[0]?.recorded_at ?? '';
    const before = await get<{ payment_intent: { status: string; amount_received: number }; events_folded: number }>(`/v1/audit/payment_intents/${intentId}?as_of=${createdAt}`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ events_folded: 1, payment_intent: { status: 'pending', amount_received: 0 } });
    const now = await get<{ payment_intent: { status: string; amount_received: number } }>(`/v1/audit/payment_intents/${intentId}?as_of=${new Date().toISOString()}`);
    expect(now.body.payment_intent).toMatchObject({ status: 'completed', amount_received: 2500 });
    const earlier = new Date(Date.parse(createdAt) - 1).toISOString();
    expect(await get(`/v1/audit/payment_intents/${intentId}?as_of=${earlier}`)).toMatchObject({ status: 404, body: { code: 'payment_intent.not_found' } });
  });

  it('folds the balances of a merchant from the log with the posting rules: nothing before the sale, the read model now', async () => {
    type Balances = { accounts: { account: string; posted_debits: number; posted_credits: number }[]; entries: number };
    const events = (await get<{ data: Event[] }>(`/v1/audit/streams/PaymentIntent-${intentId}`)).body.data;
    const beforeSale = await get<Balances>(`/v1/audit/balances?merchant_id=${tenant.merchantId}&as_of=${events[0]?.recorded_at ?? ''}`);
    expect(beforeSale.body).toMatchObject({ entries: 0, accounts: [] });
    const now = await get<Balances>(`/v1/audit/balances?merchant_id=${tenant.merchantId}&as_of=${new Date().toISOString()}`);
    expect(now.status).toBe(200);
    const readModel = await harness.asPartner(tenant).get(`/v1/ledger/accounts?merchant_id=${tenant.merchantId}`);
    const served = readModel.json<{ data: { account: string; posted_debits: number; posted_credits: number }[] }>().data;
    const pick = (rows: { account: string; posted_debits: number; posted_credits: number }[]) =>
      rows.map((row) => [row.account, row.posted_debits, row.posted_credits]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(pick(now.body.accounts)).toEqual(pick(served));
    expect(now.body.accounts.some((row) => row.posted_debits === 2500)).toBe(true);
    const both = await get(`/v1/audit/balances?merchant_id=${tenant.merchantId}&payment_intent_id=${intentId}&as_of=${new Date().toISOString()}`);
    expect(both.status).toBe(400);
  });
});

describe('integrity', () => {
  it('gives each serving read model a digest at its log position', async () => {
    const digests = await get<{ data: { projection: string; position: string; tables: { table: string; rows: number; md5: string }[] }[] }>('/v1/audit/read_models/digests');
    expect(digests.body.data.map((digest) => digest.projection)).toEqual(['journal', 'payment_intents', 'provider_tasks', 'sales', 'settlement']);
    const status = (await harness.ledger.projections.status()).find((projection) => projection.name === 'payment_intents');
    const intents = digests.body.data.find((digest) => digest.projection === 'payment_intents');
    expect(intents?.position).toBe(status?.serving?.checkpoint);
    const table = intents?.tables.find((entry) => entry.table === 'payment_intents');
    expect(table?.rows).toBe(2);
    expect(table?.md5).toMatch(/^[0-9a-f]{32}$/);
  });

  it('verifies the whole log and one stream, then names the first break after one stored event is changed', async () => {
    const whole = await get('/v1/audit/verify');
    expect(whole.body).toMatchObject({ ok: true, first_break: null });
    expect(whole.body.events_checked).toBe(await harness.eventCount());
    const stream = `PaymentIntent-${intentId}`;
    await harness.ledger.client.query(`UPDATE ledger_events SET data = data || '{"amountMinor": 1}'::jsonb WHERE stream_name = $1 AND stream_revision = 1`, [stream]);
    for (const path of ['/v1/audit/verify', `/v1/audit/verify?stream=${stream}`]) {
      const broken = await get(path);
      expect(broken.body).toMatchObject({ ok: false, first_break: { stream, revision: 1, reason: 'hash_mismatch' } });
    }
  });

  it('is closed to the ops role and to anonymous callers', async () => {
    const ops = await credential('ops');
    expect(await get('/v1/audit/log', ops)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    const anonymous = await fetch(`${baseUrl}/v1/audit/verify`);
    expect(anonymous.status).toBe(401);
  });
});
