/**
 * Issue 9 item 2: text PostgreSQL cannot store — lone surrogates (`\ud800`, `\udfff`) and NUL
 * (`\u0000`) sent as JSON escapes — in every free-text field is refused at the schema boundary
 * with 400 `validation_error` naming the field; nothing is stored (no event, no idempotency
 * record), so the same Idempotency-Key with a good body then runs.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../support/testLedger.js';

const OPERATOR_SECRET = 'operator-secret-for-unstorable-text-0123456789';
const UNSTORABLE = ['\ud800', '\udfff', '\u0000'] as const;

let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;
let partner: HttpCaller;

beforeAll(async () => {
  harness = await startTestLedger({ LEDGER_OPERATOR_SECRET: OPERATOR_SECRET });
  tenant = await harness.tenant(['paypay']);
  terminal = await harness.asTerminal(tenant);
  partner = harness.asPartner(tenant);
});
afterAll(async () => {
  await harness.close();
});

type Body = Record<string, unknown>;
type Case = Readonly<{ field: string; send: (body: Body, key: string) => ReturnType<HttpCaller['post']>; good: () => Promise<Body> }>;

const idOf = (body: string): string => (JSON.parse(body) as { id: string }).id;

async function startedAttempt(mode: 'external' | 'pgw_processed'): Promise<{ id: string; attemptId: string }> {
  const created = await terminal.post('/v1/payment_intents', mode === 'external' ? { amount: 700, mode } : { amount: 700, mode, provider: 'paypay' });
  const id = idOf(created.body);
  const confirmed = await terminal.post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: mode === 'external' ? 'card' : 'qr' } });
  return { id, attemptId: confirmed.json<{ next_action: { attempt_id: string } }>().next_action.attempt_id };
}

async function pendingRefund(): Promise<{ id: string; refundId: string }> {
  const { id, attemptId } = await startedAttempt('pgw_processed');
  await partner.post(`/v1/payment_intents/${id}/provider_result`, { attempt_id: attemptId, outcome: 'succeeded', amount: 700, provider_payment_id: 'pp-1' });
  const refunded = await terminal.post(`/v1/payment_intents/${id}/refunds`, { amount: 100 });
  return { id, refundId: refunded.json<{ refunds: { id: string }[] }>().refunds[0]?.id ?? '' };
}

/** One case per free-text field; the path parameters come from a fresh fixture per case. */
function cases(): Case[] {
  const byPartner = (url: () => string) => (body: Body, key: string) => partner.post(url(), body, { key });
  const operator = (body: Body, key: string) =>
    harness.ledger.app.inject({
      method: 'POST',
      url: '/v1/operator/client_partners',
      headers: { 'x-operator-secret': OPERATOR_SECRET, 'content-type': 'application/json', 'idempotency-key': key },
      payload: JSON.stringify(body),
    });
  const merchant = { legal_name: 'Ichiban KK', display_name: 'Ramen Ichiban' };
  const store = { name: 'Shibuya', time_zone: 'Asia/Tokyo', cutoff_minutes: 240 };
  let intent = { id: '', attemptId: '' };
  let refund = { id: '', refundId: '' };
  const card = (good: Body, field: string): Case => ({
    field,
    send: (body, key) => terminal.post(`/v1/payment_intents/${intent.id}/card_result`, body, { key }),
    good: async () => {
      intent = await startedAttempt('external');
      return { attempt_id: intent.attemptId, ...good };
    },
  });
  const provider = (good: Body, field: string): Case => ({
    field,
    send: (body, key) => partner.post(`/v1/payment_intents/${intent.id}/provider_result`, body, { key }),
    good: async () => {
      intent = await startedAttempt('pgw_processed');
      return { attempt_id: intent.attemptId, ...good };
    },
  });
  const approved = { outcome: 'approved', amount: 700, approval_number: 'A1', slip_number: 'S1', masked_pan: '411111******1111', brand: 'visa' };
  return [
    { field: 'legal_name', send: byPartner(() => '/v1/merchants'), good: () => Promise.resolve(merchant) },
    { field: 'display_name', send: byPartner(() => '/v1/merchants'), good: () => Promise.resolve(merchant) },
    { field: 'name', send: byPartner(() => `/v1/merchants/${tenant.merchantId}/stores`), good: () => Promise.resolve(store) },
    { field: 'time_zone', send: byPartner(() => `/v1/merchants/${tenant.merchantId}/stores`), good: () => Promise.resolve(store) },
    { field: 'name', send: operator, good: () => Promise.resolve({ name: 'Acme POS' }) },
    {
      field: 'credentials.api_key',
      send: byPartner(() => `/v1/stores/${tenant.storeId}/provider_configs`),
      good: () => Promise.resolve({ provider_code: 'rakuten_pay', fee_rate_ppm: 32_400, fixed_fee_minor: 0, credentials: { api_key: 'k-1' } }),
    },
    card({ outcome: 'declined', decline_code: 'card_declined', message: 'declined' }, 'decline_code'),
    card({ outcome: 'declined', decline_code: 'card_declined', message: 'declined' }, 'message'),
    card(approved, 'approval_number'),
    card(approved, 'slip_number'),
    provider({ outcome: 'failed', code: 'USER_CANCELED', message: 'canceled' }, 'code'),
    provider({ outcome: 'failed', code: 'USER_CANCELED', message: 'canceled' }, 'message'),
    provider({ outcome: 'succeeded', amount: 700, provider_payment_id: 'pp-1' }, 'provider_payment_id'),
    {
      field: 'failure_reason',
      send: (body, key) => partner.post(`/v1/payment_intents/${refund.id}/refunds/${refund.refundId}/result`, body, { key }),
      good: async () => {
        refund = await pendingRefund();
        return { outcome: 'failed', failure_reason: 'provider rejected' };
      },
    },
    // Last: it deactivates the terminal the other cases pay with.
    { field: 'reason', send: byPartner(() => `/v1/terminals/${tenant.terminalId}/deactivate`), good: () => Promise.resolve({ reason: 'lost' }) },
  ];
}

/** `{ ...body }` with `field` (a dotted path) set to `value`. */
function withField(body: Body, field: string, value: string): Body {
  const [head = '', ...rest] = field.split('.');
  if (rest.length === 0) return { ...body, [head]: value };
  return { ...body, [head]: withField((body[head] ?? {}) as Body, rest.join('.'), value) };
}

async function keyRecords(key: string): Promise<number> {
  const rows = await harness.ledger.client.query<{ n: number }>('SELECT count(*)::int AS n FROM idempotency_keys WHERE key = $1', [key]);
  return rows[0]?.n ?? 0;
}

describe('unstorable text is refused at the schema boundary', () => {
  for (const [index, testCase] of cases().entries()) {
    it(`${testCase.field} (case ${index}): \\ud800, \\udfff and \\u0000 → 400 naming the field, nothing stored; the same key then runs`, async () => {
      const good = await testCase.good();
      const key = randomUUID();
      const before = await harness.eventCount();
      for (const unstorable of UNSTORABLE) {
        const refused = await testCase.send(withField(good, testCase.field, `bad${unstorable}text`), key);
        expect(refused.statusCode, refused.body).toBe(400);
        const problem = refused.json<{ code: string; errors?: { path: string; message: string }[] }>();
        expect(problem.code).toBe('validation_error');
        expect(problem.errors?.map((error) => error.path)).toContain(`body.${testCase.field}`);
      }
      expect(await harness.eventCount()).toBe(before);
      expect(await keyRecords(key)).toBe(0);
      const accepted = await testCase.send(good, key);
      expect(accepted.statusCode, accepted.body).toBeLessThan(300);
      expect(accepted.headers['idempotent-replayed']).toBeUndefined();
    });
  }
});
