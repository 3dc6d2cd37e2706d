/**
 * Settlement over HTTP, through the whole ledger: a day of card and QR payments made over HTTP,
 * the partner closes the QR batch (Idempotency-Key, replay, a second close 409, another partner
 * 404, bad and future dates), a refund arrives after the close, and the batch report shows the
 * frozen totals, the live totals and the adjustments after close.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, businessDate } from '../../domain/businessDay/index.js';
import type { TenantFixture } from '../../test/support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../../test/support/testLedger.js';

type Intent = { id: string; next_action: { attempt_id: string } | null; refunds: { id: string }[] };
type Batch = { id: string; object: string; merchant_id: string; provider: string; business_date: string; status: string; closed_at: string };

let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;
let partner: HttpCaller;
let stranger: HttpCaller;
let today: string;
let qrIntent: string;

async function post(caller: HttpCaller, url: string, body: unknown, status = 200): Promise<Intent> {
  const response = await caller.post(url, body);
  expect(response.statusCode, response.body).toBe(status);
  return response.json<Intent>();
}

beforeAll(async () => {
  harness = await startTestLedger();
  tenant = await harness.tenant(['paypay', 'card']); // Asia/Tokyo, cut-off 04:00, 1.98 % on both
  terminal = await harness.asTerminal(tenant);
  partner = harness.asPartner(tenant);
  stranger = harness.asPartner(await harness.tenant());
  today = businessDate(new Date().toISOString(), 'Asia/Tokyo', 240);
  const card = await post(terminal, '/v1/payment_intents', { amount: 10_000, mode: 'external' }, 201);
  const launched = await post(terminal, `/v1/payment_intents/${card.id}/confirm`, { payment_method: { type: 'card' } });
  await post(terminal, `/v1/payment_intents/${card.id}/card_result`, {
    attempt_id: launched.next_action?.attempt_id,
    outcome: 'approved',
    amount: 10_000,
    approval_number: 'A1',
    masked_pan: '424242******4242',
    brand: 'visa',
  });
  const qr = await post(terminal, '/v1/payment_intents', { amount: 5_000, mode: 'pgw_processed', provider: 'paypay' }, 201);
  const shown = await post(terminal, `/v1/payment_intents/${qr.id}/confirm`, { payment_method: { type: 'qr' } });
  await post(partner, `/v1/payment_intents/${qr.id}/provider_result`, {
    attempt_id: shown.next_action?.attempt_id,
    outcome: 'succeeded',
    amount: 5_000,
    provider_payment_id: 'pp-1',
  });
  const cash = await post(terminal, '/v1/payment_intents', { amount: 700, mode: 'manual' }, 201);
  await post(terminal, `/v1/payment_intents/${cash.id}/confirm`, { payment_method: { type: 'cash', tendered: 1_000 } });
  qrIntent = qr.id;
  await harness.ledger.projections.caughtUp();
});

afterAll(async () => {
  await harness.close();
});

const closeBody = () => ({ merchant_id: tenant.merchantId, provider: 'paypay', business_date: today });

describe('settlement', () => {
  let batch: Batch;

  it('lists the open days per provider, net of fees; cash is not settled', async () => {
    const response = await partner.get(`/v1/settlement?merchant_id=${tenant.merchantId}`);
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json<{ data: Record<string, unknown>[]; has_more: boolean }>();
    expect(
      page.data.map(({ provider, status, gross, fees, net, batch_id, adjustments_after_close }) => ({ provider, status, gross, fees, net, batch_id, adjustments_after_close })),
    ).toEqual([
      { provider: 'card', status: 'open', gross: 10_000, fees: 218, net: 9_782, batch_id: null, adjustments_after_close: null },
      { provider: 'paypay', status: 'open', gross: 5_000, fees: 109, net: 4_891, batch_id: null, adjustments_after_close: null },
    ]);
  });

  it('closes a batch once: 201, the same key replays, another key is 409', async () => {
    const first = await partner.post('/v1/settlement/batches', closeBody(), { key: 'close-paypay-1' });
    expect(first.statusCode, first.body).toBe(201);
    batch = first.json<Batch>();
    expect(batch).toMatchObject({ object: 'settlement_batch', merchant_id: tenant.merchantId, provider: 'paypay', business_date: today, status: 'closed' });
    expect(batch.id).toMatch(/^stb_/);
    const replay = await partner.post('/v1/settlement/batches', closeBody(), { key: 'close-paypay-1' });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(first.body);
    const again = await partner.post('/v1/settlement/batches', closeBody(), { key: 'close-paypay-2' });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json()).toMatchObject({ status: 409, code: 'settlement.batch_already_closed' });
  });

  it('refuses bad closes with problems and appends nothing', async () => {
    const before = await harness.eventCount();
    const cases: [HttpCaller, unknown, number, string, string | null][] = [
      [stranger, closeBody(), 404, 'merchant.not_found', 'k1'],
      [partner, { ...closeBody(), business_date: '2025-02-30' }, 400, 'validation_error', 'k2'],
      [partner, { ...closeBody(), provider: 'cash' }, 400, 'validation_error', 'k3'],
      [partner, { ...closeBody(), provider: 'card', business_date: addDays(today, 3) }, 422, 'settlement.business_day_not_over', 'k4'],
      [partner, { ...closeBody(), provider: 'card' }, 400, 'idempotency_key_required', null],
    ];
    for (const [caller, body, status, code, key] of cases) {
      const response = await caller.post('/v1/settlement/batches', body, { key });
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json()).toMatchObject({ code });
    }
    expect((await terminal.post('/v1/settlement/batches', closeBody())).statusCode).toBe(403);
    expect(await harness.eventCount()).toBe(before);
  });

  it('reports the batch: totals at the close, live totals, and a refund after the close as an adjustment', async () => {
    const refunded = await post(terminal, `/v1/payment_intents/${qrIntent}/refunds`, { amount: 1_000 }, 201);
    const refundId = refunded.refunds[0]?.id ?? '';
    await post(partner, `/v1/payment_intents/${qrIntent}/refunds/${refundId}/result`, { outcome: 'succeeded', provider_refund_id: 'pr-1' });
    await harness.ledger.projections.caughtUp();
    const response = await partner.get(`/v1/settlement/batches/${batch.id}`);
    expect(response.statusCode, response.body).toBe(200);
    const atClose = { payment_count: 1, gross: 5_000, refund_count: 0, refunds: 0, fees: 109, net: 4_891 };
    expect(response.json()).toEqual({
      ...batch,
      lines: [
        {
          currency: 'JPY',
          at_close: atClose,
          live: { ...atClose, refund_count: 1, refunds: 1_000, net: 3_891 },
          adjustments_after_close: { payment_count: 0, gross: 0, refund_count: 1, refunds: 1_000, fees: 0, net: -1_000 },
        },
      ],
    });
    const closedDays = await partner.get(`/v1/settlement?merchant_id=${tenant.merchantId}&status=closed&business_date_from=${today}&business_date_to=${today}`);
    expect(closedDays.json()).toMatchObject({
      object: 'list',
      has_more: false,
      data: [{ provider: 'paypay', status: 'closed', batch_id: batch.id, refunds: 1_000, adjustments_after_close: { refunds: 1_000, net: -1_000 } }],
    });
  });

  it("hides another partner's batch and days, and is for partners only", async () => {
    const foreign = await stranger.get(`/v1/settlement/batches/${batch.id}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'settlement_batch.not_found' });
    expect((await stranger.get(`/v1/settlement?merchant_id=${tenant.merchantId}`)).json()).toEqual({ object: 'list', data: [], has_more: false });
    expect((await terminal.get(`/v1/settlement?merchant_id=${tenant.merchantId}`)).statusCode).toBe(403);
  });

  it('pages newest first and answers 400 to bad queries', async () => {
    const first = (await partner.get(`/v1/settlement?merchant_id=${tenant.merchantId}&limit=1`)).json<{ data: { id: string; provider: string }[]; has_more: boolean }>();
    expect(first).toMatchObject({ has_more: true, data: [{ provider: 'card' }] });
    const second = (await partner.get(`/v1/settlement?merchant_id=${tenant.merchantId}&limit=1&starting_after=${first.data[0]?.id ?? ''}`)).json<unknown>();
    expect(second).toMatchObject({ has_more: false, data: [{ provider: 'paypay' }] });
    for (const [query, code] of [
      [`merchant_id=${tenant.merchantId}&business_date_from=2025-13-01`, 'validation_error'],
      [`merchant_id=${tenant.merchantId}&business_date_from=2024-01-01&business_date_to=2025-06-01`, 'validation_error'],
      ['provider=paypay', 'validation_error'],
      [`merchant_id=${tenant.merchantId}&starting_after=nope`, 'invalid_cursor'],
    ] as const) {
      const response = await partner.get(`/v1/settlement?${query}`);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ code });
    }
    expect((await partner.get('/v1/settlement/batches/not-a-batch')).statusCode).toBe(400);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const response = await harness.ledger.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(expect.arrayContaining(['/v1/settlement/batches', '/v1/settlement', '/v1/settlement/batches/{batch_id}', '/v1/reports/sales']));
  });
});
