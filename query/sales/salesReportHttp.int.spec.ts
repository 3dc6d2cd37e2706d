/**
 * The sales report over HTTP, through the whole ledger: payments made over HTTP by a terminal,
 * projected by the runtime, then read by the partner and the terminal — grouping, pagination,
 * tenant isolation and bad queries (400 problems, never a 500).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, businessDate } from '../../domain/businessDay/index.js';
import type { TenantFixture } from '../../test/support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../../test/support/testLedger.js';

type Row = Record<string, unknown> & { id: string };
type List = { object: 'list'; data: Row[]; has_more: boolean };
type Intent = { id: string; next_action: { attempt_id: string } | null };

let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;
let partner: HttpCaller;
let stranger: HttpCaller;
let today: string;

async function post(caller: HttpCaller, url: string, body: unknown, status = 200): Promise<Intent> {
  const response = await caller.post(url, body);
  expect(response.statusCode, response.body).toBe(status);
  return response.json<Intent>();
}

async function pay(body: Record<string, unknown>, method: Record<string, unknown>, result?: Readonly<{ path: string; by: HttpCaller; body: Record<string, unknown> }>) {
  const intent = await post(terminal, '/v1/payment_intents', body, 201);
  const confirmed = await post(terminal, `/v1/payment_intents/${intent.id}/confirm`, { payment_method: method });
  if (result !== undefined) await post(result.by, `/v1/payment_intents/${intent.id}/${result.path}`, { attempt_id: confirmed.next_action?.attempt_id, ...result.body });
  return intent;
}

beforeAll(async () => {
  harness = await startTestLedger();
  tenant = await harness.tenant(['paypay', 'card']); // Asia/Tokyo, cut-off 04:00, 1.98 % on both
  terminal = await harness.asTerminal(tenant);
  partner = harness.asPartner(tenant);
  stranger = harness.asPartner(await harness.tenant());
  today = businessDate(new Date().toISOString(), 'Asia/Tokyo', 240);
  const cash = await pay({ amount: 1_100, mode: 'manual' }, { type: 'cash', tendered: 2_000 });
  await post(terminal, `/v1/payment_intents/${cash.id}/refunds`, { amount: 100 }, 201);
  await pay(
    { amount: 10_000, mode: 'external' },
    { type: 'card' },
    {
      path: 'card_result',
      by: terminal,
      body: { outcome: 'approved', amount: 10_000, approval_number: 'A1', masked_pan: '424242******4242', brand: 'visa' },
    },
  );
  await pay(
    { amount: 5_000, mode: 'pgw_processed', provider: 'paypay' },
    { type: 'qr' },
    {
      path: 'provider_result',
      by: partner,
      body: { outcome: 'succeeded', amount: 5_000, provider_payment_id: 'paypay-1' },
    },
  );
  await harness.ledger.projections.caughtUp();
});

afterAll(async () => {
  await harness.close();
});

const report = (query: string) => `/v1/reports/sales?business_date_from=${today}&business_date_to=${today}${query}`;

async function list(caller: HttpCaller, url: string): Promise<List> {
  const response = await caller.get(url);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<List>();
}

function withoutIds(rows: readonly Row[]): Record<string, unknown>[] {
  return rows.map(({ id, ...rest }) => {
    expect(id).toMatch(/^sls_/);
    return rest;
  });
}

describe('GET /v1/reports/sales', () => {
  it('reports each mode and provider of the day: gross, refunds, net and fees', async () => {
    const page = await list(partner, report(`&merchant_id=${tenant.merchantId}`));
    const base = { object: 'sales_summary', business_date: today, merchant_id: tenant.merchantId, store_id: tenant.storeId, terminal_id: tenant.terminalId, currency: 'JPY' };
    expect(page.has_more).toBe(false);
    expect(withoutIds(page.data)).toEqual([
      { ...base, mode: 'external', provider: 'card', payment_count: 1, gross: 10_000, refund_count: 0, refunds: 0, net: 10_000, fees: 218 },
      { ...base, mode: 'manual', provider: null, payment_count: 1, gross: 1_100, refund_count: 1, refunds: 100, net: 1_000, fees: 0 },
      { ...base, mode: 'pgw_processed', provider: 'paypay', payment_count: 1, gross: 5_000, refund_count: 0, refunds: 0, net: 5_000, fees: 109 },
    ]);
  });

  it('sums across the dimensions left out of group_by, and filters', async () => {
    const byStore = await list(partner, report(`&merchant_id=${tenant.merchantId}&group_by=store`));
    expect(withoutIds(byStore.data)).toEqual([
      {
        object: 'sales_summary',
        business_date: today,
        merchant_id: tenant.merchantId,
        store_id: tenant.storeId,
        terminal_id: null,
        mode: null,
        provider: null,
        currency: 'JPY',
        payment_count: 3,
        gross: 16_100,
        refund_count: 1,
        refunds: 100,
        net: 16_000,
        fees: 327,
      },
    ]);
    const cards = await list(partner, report(`&merchant_id=${tenant.merchantId}&mode=external&group_by=mode,provider`));
    expect(cards.data.map(({ mode, provider, gross }) => ({ mode, provider, gross }))).toEqual([{ mode: 'external', provider: 'card', gross: 10_000 }]);
  });

  it('pages with limit and starting_after (the last row id), newest first', async () => {
    const seen: Row[] = [];
    let url = report(`&merchant_id=${tenant.merchantId}&limit=2`);
    for (let pages = 0; pages < 5; pages += 1) {
      const page = await list(partner, url);
      seen.push(...page.data);
      if (!page.has_more) break;
      url = report(`&merchant_id=${tenant.merchantId}&limit=2&starting_after=${page.data.at(-1)?.id ?? ''}`);
    }
    expect(seen.map((row) => row.mode)).toEqual(['external', 'manual', 'pgw_processed']);
    const older = await list(partner, `/v1/reports/sales?merchant_id=${tenant.merchantId}&business_date_from=${addDays(today, -30)}&business_date_to=${today}&group_by=store`);
    expect(older.data).toHaveLength(1);
  });

  it('shows a terminal its own store without merchant_id, and nothing of another merchant', async () => {
    expect((await list(terminal, report(''))).data).toHaveLength(3);
    expect((await list(terminal, report('&merchant_id=mer_01HZY3J5K6M7N8P9QRSTVWXYZ0'))).data).toEqual([]);
  });

  it("shows another partner nothing of this merchant's sales", async () => {
    expect(await list(stranger, report(`&merchant_id=${tenant.merchantId}`))).toEqual({ object: 'list', data: [], has_more: false });
  });

  it.each([
    ['an impossible date', `/v1/reports/sales?merchant_id=MID&business_date_from=2025-02-30&business_date_to=2025-03-01`, 'validation_error'],
    ['a period longer than 366 days', `/v1/reports/sales?merchant_id=MID&business_date_from=2024-01-01&business_date_to=2025-01-01`, 'validation_error'],
    ['a period that ends before it starts', `/v1/reports/sales?merchant_id=MID&business_date_from=2025-06-02&business_date_to=2025-06-01`, 'validation_error'],
    ['no period', `/v1/reports/sales?merchant_id=MID`, 'validation_error'],
    ['an unknown group_by dimension', `/v1/reports/sales?merchant_id=MID&business_date_from=2025-06-01&business_date_to=2025-06-01&group_by=store,colour`, 'validation_error'],
    ['a partner without merchant_id', `/v1/reports/sales?business_date_from=2025-06-01&business_date_to=2025-06-01`, 'validation_error'],
    ['a cursor that is not a row id', `/v1/reports/sales?merchant_id=MID&business_date_from=2025-06-01&business_date_to=2025-06-01&starting_after=sls_garbage`, 'invalid_cursor'],
    ['a limit above 100', `/v1/reports/sales?merchant_id=MID&business_date_from=2025-06-01&business_date_to=2025-06-01&limit=101`, 'validation_error'],
  ])('answers 400 to %s', async (_name, url, code) => {
    const response = await partner.get(url.replace('MID', tenant.merchantId));
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 400, code });
  });

  it('refuses a cursor made with another group_by', async () => {
    const page = await list(partner, report(`&merchant_id=${tenant.merchantId}&limit=1`));
    const response = await partner.get(report(`&merchant_id=${tenant.merchantId}&group_by=store&starting_after=${page.data[0]?.id ?? ''}`));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_cursor' });
  });
});
