/**
 * PaymentIntent commands over HTTP, through the whole ledger (authentication, validation,
 * idempotency, decider, event store) on the real PostgreSQL: the three modes end to end, capture,
 * cancel, refunds, problem details for refusals and bad input (which change nothing), tenant
 * isolation (another tenant's intent is 404), payment_token scope, and concurrent conflicting
 * commands (one wins, the other gets a clear 409, never a 500).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestbed, type HttpCaller, type TestLedger } from '../support/testLedger.js';

type Intent = {
  id: string;
  status: string;
  amount_received: number;
  amount_refunded: number;
  refund_status: string;
  amount_capturable: number;
  next_action: { type: string; attempt_id: string } | null;
  last_payment_error: { code: string; decline_code: string | null } | null;
  attempts: { id: string; status: string; change: number | null; card: { brand: string } | null }[];
  payment_token?: string;
};

let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;
let partner: HttpCaller;

beforeAll(async () => {
  ({ harness, tenant, terminal, partner } = await startTestbed());
});
afterAll(async () => {
  await harness.close();
});

async function created(caller: HttpCaller, body: Record<string, unknown>): Promise<Intent> {
  const response = await caller.post('/v1/payment_intents', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Intent>();
}

async function ok(caller: HttpCaller, url: string, body: unknown, status = 200): Promise<Intent> {
  const response = await caller.post(url, body);
  expect(response.statusCode, response.body).toBe(status);
  return response.json<Intent>();
}

describe('cash (manual)', () => {
  it('completes on confirm with the change recorded, and reads back the same', async () => {
    const intent = await created(terminal, { amount: 1200, mode: 'manual', client_reference_id: null });
    expect(intent).toMatchObject({ status: 'pending', amount_received: 0 });
    expect(intent.payment_token).toMatch(/^ey/);
    const confirmed = await ok(terminal, `/v1/payment_intents/${intent.id}/confirm`, { payment_method: { type: 'cash', tendered: 2000 } });
    expect(confirmed).toMatchObject({ status: 'completed', amount_received: 1200 });
    expect(confirmed.attempts[0]).toMatchObject({ status: 'succeeded', change: 800 });
    const read = await terminal.get(`/v1/payment_intents/${intent.id}`);
    expect(read.json<Intent>()).toEqual(confirmed);
  });

  it('refuses tendered cash below the amount with 422 and leaves the intent pending', async () => {
    const intent = await created(terminal, { amount: 1200, mode: 'manual' });
    const response = await terminal.post(`/v1/payment_intents/${intent.id}/confirm`, { payment_method: { type: 'cash', tendered: 1000 } });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'payment_intent.tendered_less_than_amount', status: 422 });
    expect((await terminal.get(`/v1/payment_intents/${intent.id}`)).json<Intent>().status).toBe('pending');
  });
});

describe('card (external card app)', () => {
  it('waits for the card app, completes on approval, refunds partially then fully, and refuses more', async () => {
    const intent = await created(terminal, { amount: 5000, mode: 'external' });
    const launched = await ok(terminal, `/v1/payment_intents/${intent.id}/confirm`, { payment_method: { type: 'card' } });
    expect(launched.status).toBe('requires_action');
    expect(launched.next_action?.type).toBe('launch_card_app');
    const attemptId = launched.next_action?.attempt_id ?? '';
    const approved = await ok(terminal, `/v1/payment_intents/${intent.id}/card_result`, {
      attempt_id: attemptId,
      outcome: 'approved',
      amount: 5000,
      approval_number: 'A12345',
      masked_pan: '424242******4242',
      brand: 'visa',
    });
    expect(approved).toMatchObject({ status: 'completed', amount_received: 5000 });
    expect(approved.attempts[0]?.card?.brand).toBe('visa');
    const partial = await ok(terminal, `/v1/payment_intents/${intent.id}/refunds`, { amount: 1500 }, 201);
    expect(partial).toMatchObject({ amount_refunded: 1500, refund_status: 'partial' });
    const full = await ok(terminal, `/v1/payment_intents/${intent.id}/refunds`, { amount: 3500, reason: 'operator_error' }, 201);
    expect(full).toMatchObject({ amount_refunded: 5000, refund_status: 'full' });
    const over = await terminal.post(`/v1/payment_intents/${intent.id}/refunds`, { amount: 1 });
    expect(over.statusCode).toBe(422);
    expect(over.json()).toMatchObject({ code: 'payment_intent.refund_exceeds_received' });
  });

  it('a declined card returns the intent to pending with last_payment_error; a new attempt can follow', async () => {
    const intent = await created(terminal, { amount: 800, mode: 'external' });
    const launched = await ok(terminal, `/v1/payment_intents/${intent.id}/confirm`, { payment_method: { type: 'card' } });
    const declined = await ok(terminal, `/v1/payment_intents/${intent.id}/card_result`, {
      attempt_id: launched.next_action?.attempt_id,
      outcome: 'declined',
      decline_code: 'card_declined',
      message: 'Do not honor',
    });
    expect(declined).toMatchObject({ status: 'pending', last_payment_error: { decline_code: 'card_declined' } });
    const again = await ok(terminal, `/v1/payment_intents/${intent.id}/confirm`, { payment_method: { type: 'card' } });
    expect(again.status).toBe('requires_action');
    expect(again.attempts).toHaveLength(2);
  });

  it('manual capture: authorized, captured partially once, a second capture refused', async () => {
    const intent = await created(terminal, { amount: 5000, mode: 'external', capture_method: 'manual' });
    const launched = await ok(terminal, `/v1/payment_intents/${intent.id}/confirm`, { payment_method: { type: 'card' } });
    const authorized = await ok(terminal, `/v1/payment_intents/${intent.id}/card_result`, {
      attempt_id: launched.next_action?.attempt_id,
      outcome: 'approved',
      amount: 5000,
      approval_number: 'A9',
      masked_pan: '555555******4444',
      brand: 'mastercard',
      capture_before: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    });
    expect(authorized).toMatchObject({ status: 'requires_capture', amount_capturable: 5000, amount_received: 0 });
    const captured = await ok(terminal, `/v1/payment_intents/${intent.id}/capture`, { amount_to_capture: 3000 });
    expect(captured).toMatchObject({ status: 'completed', amount_received: 3000, amount_capturable: 0 });
    const again = await terminal.post(`/v1/payment_intents/${intent.id}/capture`, { amount_to_capture: 2000 });
    expect(again.statusCode).toBe(409);
  });
});

describe('QR (pgw_processed)', () => {
  it('waits in requires_action until the provider result, then completes', async () => {
    const intent = await created(terminal, { amount: 3300, mode: 'pgw_processed', provider: 'paypay' });
    const shown = await ok(terminal, `/v1/payment_intents/${intent.id}/confirm`, { payment_method: { type: 'qr' } });
    expect(shown.next_action?.type).toBe('display_qr');
    const paid = await ok(partner, `/v1/payment_intents/${intent.id}/provider_result`, {
      attempt_id: shown.next_action?.attempt_id,
      outcome: 'succeeded',
      amount: 3300,
      provider_payment_id: 'paypay-123',
    });
    expect(paid).toMatchObject({ status: 'completed', amount_received: 3300 });
  });

  it('refuses a provider the store has not configured', async () => {
    const response = await terminal.post('/v1/payment_intents', { amount: 100, mode: 'pgw_processed', provider: 'rakuten_pay' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'payment_intent.provider_mismatch' });
  });

  it('lets only partner servers report provider results (a terminal gets 403)', async () => {
    const intent = await created(terminal, { amount: 100, mode: 'pgw_processed', provider: 'paypay' });
    const response = await terminal.post(`/v1/payment_intents/${intent.id}/provider_result`, { attempt_id: 'pa_x', outcome: 'unknown' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'forbidden' });
  });
});

describe('cancel', () => {
  it('cancels a pending intent with a reason; a later confirm is refused with 409', async () => {
    const intent = await created(partner, { amount: 700, mode: 'manual', store_id: tenant.storeId, terminal_id: tenant.terminalId });
    const canceled = await ok(partner, `/v1/payment_intents/${intent.id}/cancel`, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    const confirm = await partner.post(`/v1/payment_intents/${intent.id}/confirm`, { payment_method: { type: 'cash', tendered: 700 } });
    expect(confirm.statusCode).toBe(409);
    expect(confirm.json()).toMatchObject({ code: 'payment_intent.invalid_state_transition' });
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['an unknown field', { amount: 100, mode: 'manual', tip: 5 }],
    ['a fractional amount', { amount: 12.5, mode: 'manual' }],
    ['a zero amount', { amount: 0, mode: 'manual' }],
    ['an amount over the limit', { amount: 100_000_000_000, mode: 'manual' }],
    ['an unknown mode', { amount: 100, mode: 'bitcoin' }],
    ['an over-long reference', { amount: 100, mode: 'manual', client_reference_id: 'x'.repeat(65) }],
  ])('%s → 400 validation_error with the field named', async (_, body) => {
    const before = await harness.eventCount();
    const response = await terminal.post('/v1/payment_intents', body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'validation_error', errors: [expect.objectContaining({ path: expect.stringMatching(/^body/) as unknown })] });
    expect(await harness.eventCount()).toBe(before);
  });

  it('malformed JSON → 400 malformed_json, not a 500', async () => {
    const response = await harness.ledger.app.inject({ method: 'POST', url: '/v1/payment_intents', headers: { 'content-type': 'application/json' }, payload: '{"amount":' });
    expect([400, 401]).toContain(response.statusCode);
    expect(response.json<{ code: string }>().code).toMatch(/malformed_json|authentication_required/);
  });

  it('a partner must name a store and terminal of its own', async () => {
    const other = await harness.tenant();
    const response = await partner.post('/v1/payment_intents', { amount: 100, mode: 'manual', store_id: other.storeId, terminal_id: other.terminalId });
    expect(response.statusCode).toBe(404);
  });
});

describe('tenant isolation and payment_token scope', () => {
  it("answers 404 for another tenant's intent on reads and commands, writing nothing", async () => {
    const intent = await created(terminal, { amount: 900, mode: 'manual' });
    const stranger = await harness.tenant();
    const strangers = [harness.asPartner(stranger), await harness.asTerminal(stranger)];
    for (const caller of strangers) {
      expect((await caller.get(`/v1/payment_intents/${intent.id}`)).statusCode).toBe(404);
      const before = await harness.eventCount();
      const confirm = await caller.post(`/v1/payment_intents/${intent.id}/confirm`, { payment_method: { type: 'cash', tendered: 900 } });
      expect(confirm.statusCode).toBe(404);
      expect(confirm.json()).toMatchObject({ code: 'payment_intent.not_found' });
      expect(await harness.eventCount()).toBe(before);
    }
  });

  it('a payment_token reads and confirms its own intent only, and cannot refund', async () => {
    const intent = await created(terminal, { amount: 600, mode: 'manual' });
    const other = await created(terminal, { amount: 600, mode: 'manual' });
    const sdk = harness.withBearer(intent.payment_token ?? '');
    expect((await sdk.get(`/v1/payment_intents/${intent.id}`)).statusCode).toBe(200);
    expect((await sdk.get(`/v1/payment_intents/${other.id}`)).statusCode).toBe(404);
    expect((await sdk.post(`/v1/payment_intents/${other.id}/confirm`, { payment_method: { type: 'cash', tendered: 600 } })).statusCode).toBe(404);
    const confirmed = await ok(sdk, `/v1/payment_intents/${intent.id}/confirm`, { payment_method: { type: 'cash', tendered: 600 } });
    expect(confirmed.status).toBe('completed');
    expect((await sdk.post(`/v1/payment_intents/${intent.id}/refunds`, { amount: 100 })).statusCode).toBe(403);
  });
});

describe('concurrent conflicting commands on one intent', () => {
  it('cancel and confirm racing: exactly one wins, the other gets a clear 409, never a 500', async () => {
    for (let round = 0; round < 5; round += 1) {
      const intent = await created(terminal, { amount: 1000, mode: 'manual' });
      const [cancel, confirm] = await Promise.all([
        terminal.post(`/v1/payment_intents/${intent.id}/cancel`, { cancellation_reason: 'abandoned' }),
        terminal.post(`/v1/payment_intents/${intent.id}/confirm`, { payment_method: { type: 'cash', tendered: 1000 } }),
      ]);
      const statuses = [cancel.statusCode, confirm.statusCode].sort();
      expect(statuses).toEqual([200, 409]);
      const loser = cancel.statusCode === 409 ? cancel : confirm;
      expect(loser.json<{ code: string }>().code).toMatch(/^(payment_intent\.invalid_state_transition|concurrent_modification)$/);
      const final = (await terminal.get(`/v1/payment_intents/${intent.id}`)).json<Intent>();
      expect(final.status).toBe(cancel.statusCode === 200 ? 'canceled' : 'completed');
    }
  });
});
