/**
 * The payment intent reports through the whole ledger: payments made over HTTP (terminal JWT and
 * partner HMAC), the projection runtime catching up, then the report routes with real
 * authentication and problem details. Each report equals what `GET /v1/payment_intents/:id` (the
 * event stream) answers, plus the store's business date (Asia/Tokyo, cut-off 04:00 in the fixture);
 * another tenant sees none of it.
 *
 * Needs `ledger.projections.caughtUp()` (the projection runtime, wired in infra/entry/ledger.ts): until
 * the ledger has it, these tests skip themselves.
 */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { businessDate } from '../../domain/businessDay/index.js';
import type { TenantFixture } from '../../test/support/tenancyFixtures.js';
import { startTestbed, type HttpCaller, type TestLedger } from '../../test/support/testLedger.js';

type Intent = { id: string; status: string; created_at: string; next_action: { attempt_id: string } | null; payment_token?: string };
type Report = Intent & { business_date: string };
type Page = { object: 'list'; data: Report[]; has_more: boolean };
type Projections = { caughtUp: () => Promise<void> };

let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;
let partner: HttpCaller;
let otherPartner: HttpCaller;
let projections: Projections | undefined;
const paid: string[] = [];

async function post(caller: HttpCaller, url: string, body: unknown, status = 200): Promise<Intent> {
  const response = await caller.post(url, body);
  expect(response.statusCode, response.body).toBe(status);
  return response.json<Intent>();
}

beforeAll(async () => {
  ({ harness, tenant, terminal, partner } = await startTestbed());
  otherPartner = harness.asPartner(await harness.tenant());
  projections = (harness.ledger as unknown as { projections?: Projections }).projections;
  if (projections === undefined) return;

  const cash = await post(terminal, '/v1/payment_intents', { amount: 1200, mode: 'manual' }, 201);
  await post(terminal, `/v1/payment_intents/${cash.id}/confirm`, { payment_method: { type: 'cash', tendered: 2000 } });
  await post(terminal, `/v1/payment_intents/${cash.id}/refunds`, { amount: 200 }, 201);

  const card = await post(terminal, '/v1/payment_intents', { amount: 5000, mode: 'external' }, 201);
  const launched = await post(terminal, `/v1/payment_intents/${card.id}/confirm`, { payment_method: { type: 'card' } });
  await post(terminal, `/v1/payment_intents/${card.id}/card_result`, {
    attempt_id: launched.next_action?.attempt_id,
    outcome: 'approved',
    amount: 5000,
    approval_number: 'A1',
    masked_pan: '424242******4242',
    brand: 'visa',
  });

  const qr = await post(partner, '/v1/payment_intents', { amount: 3300, mode: 'pgw_processed', provider: 'paypay', store_id: tenant.storeId, terminal_id: tenant.terminalId }, 201);
  const shown = await post(terminal, `/v1/payment_intents/${qr.id}/confirm`, { payment_method: { type: 'qr' } });
  await post(partner, `/v1/payment_intents/${qr.id}/provider_result`, {
    attempt_id: shown.next_action?.attempt_id,
    outcome: 'succeeded',
    amount: 3300,
    provider_payment_id: 'paypay-1',
  });

  const canceled = await post(terminal, '/v1/payment_intents', { amount: 700, mode: 'manual' }, 201);
  await post(terminal, `/v1/payment_intents/${canceled.id}/cancel`, {});

  paid.push(cash.id, card.id, qr.id, canceled.id);
  await projections.caughtUp();
});

afterAll(async () => {
  await harness.close();
});

function requireProjections(context: TestContext): void {
  if (projections === undefined) context.skip('the ledger has no projection runtime yet (ledger.projections.caughtUp)');
}

describe('payment intent reports over HTTP', () => {
  it('report each intent as GET /v1/payment_intents/:id does, with the store business date', async (context) => {
    requireProjections(context);
    for (const id of paid) {
      const fromStream = await terminal.get(`/v1/payment_intents/${id}`);
      const report = await partner.get(`/v1/reports/payment_intents/${id}`);
      expect(report.statusCode, report.body).toBe(200);
      const body = report.json<Report>();
      expect(body).toEqual({ ...fromStream.json<Intent>(), business_date: businessDate(body.created_at, 'Asia/Tokyo', 240) });
    }
  });

  it('list them newest first for the terminal and the partner, in pages', async (context) => {
    requireProjections(context);
    for (const caller of [terminal, partner]) {
      const first = await caller.get('/v1/reports/payment_intents?limit=2');
      expect(first.statusCode, first.body).toBe(200);
      const page = first.json<Page>();
      expect(page).toMatchObject({ object: 'list', has_more: true });
      const rest = (await caller.get(`/v1/reports/payment_intents?limit=100&starting_after=${page.data.at(-1)!.id}`)).json<Page>();
      expect([...page.data, ...rest.data].map((item) => item.id)).toEqual([...paid].reverse());
    }
    const canceled = (await terminal.get('/v1/reports/payment_intents?status=canceled')).json<Page>();
    expect(canceled.data.map((item) => item.id)).toEqual([paid[3]]);
  });

  it('hide them from another tenant: 404 on the detail, absent from the list, 400 as a cursor', async (context) => {
    requireProjections(context);
    const detail = await otherPartner.get(`/v1/reports/payment_intents/${paid[0]!}`);
    expect(detail.statusCode).toBe(404);
    expect(detail.json()).toMatchObject({ code: 'payment_intent.not_found' });
    const list = await otherPartner.get('/v1/reports/payment_intents');
    expect(list.json<Page>()).toEqual({ object: 'list', data: [], has_more: false });
    const cursor = await otherPartner.get(`/v1/reports/payment_intents?starting_after=${paid[0]!}`);
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json()).toMatchObject({ code: 'invalid_cursor' });
  });

  it('answer bad queries with 400 problem details', async (context) => {
    requireProjections(context);
    const response = await partner.get('/v1/reports/payment_intents?limit=0&status=paid');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 400, code: 'validation_error' });
  });
});
