/**
 * The idempotency rules of reference/payments.md (d) that need no provider call — 1–3, 5–13, 15,
 * 17, 18, 22 — each against the whole ledger on the real PostgreSQL. Rule numbers are in the test
 * names. A key is scoped to the caller; its record holds the request fingerprint and the first
 * response, completed in the same transaction as the events.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPaymentIntentStreamName } from '../../domain/paymentIntent/index.js';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestbed, startTestLedger, type HttpCaller, type TestLedger } from '../support/testLedger.js';

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

const createBody = (amount = 1000) => ({ amount, mode: 'manual' });
const idOf = (body: string): string => (JSON.parse(body) as { id: string }).id;

async function createdEvents(key: string): Promise<number> {
  const rows = await harness.ledger.client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ledger_events WHERE event_type = 'PaymentIntentCreated' AND metadata ->> 'idempotencyKey' = $1`,
    [key],
  );
  return rows[0]?.n ?? 0;
}

async function record(key: string): Promise<{ state: string } | undefined> {
  const rows = await harness.ledger.client.query<{ state: string }>('SELECT state FROM idempotency_keys WHERE key = $1', [key]);
  return rows[0];
}

describe('scope and format', () => {
  it('rule 1: a money-moving POST without a key → 400 idempotency_key_required, nothing runs', async () => {
    const before = await harness.eventCount();
    const response = await terminal.post('/v1/payment_intents', createBody(), { key: null });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'idempotency_key_required' });
    expect(response.headers['x-should-retry']).toBe('false');
    expect(await harness.eventCount()).toBe(before);
  });

  it('rule 1: a key over 255 characters or with spaces is refused', async () => {
    for (const key of ['k'.repeat(256), 'has space']) {
      const response = await terminal.post('/v1/payment_intents', createBody(), { key });
      expect(response.json()).toMatchObject({ status: 400, code: 'idempotency_key_invalid' });
    }
  });

  it('rule 2: on GET the header is ignored and nothing is stored', async () => {
    const created = await terminal.post('/v1/payment_intents', createBody());
    const key = randomUUID();
    const read = await terminal.get(`/v1/payment_intents/${idOf(created.body)}`, { key });
    expect(read.statusCode).toBe(200);
    expect(read.headers['idempotent-replayed']).toBeUndefined();
    expect(await record(key)).toBeUndefined();
  });

  it('rule 3: the same key from two partners runs twice, independently', async () => {
    const other = await harness.tenant();
    const key = randomUUID();
    const mine = await partner.post('/v1/payment_intents', { ...createBody(), store_id: tenant.storeId, terminal_id: tenant.terminalId }, { key });
    const theirs = await harness.asPartner(other).post('/v1/payment_intents', { ...createBody(), store_id: other.storeId, terminal_id: other.terminalId }, { key });
    expect([mine.statusCode, theirs.statusCode]).toEqual([201, 201]);
    expect(idOf(mine.body)).not.toBe(idOf(theirs.body));
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('fingerprint and mismatch', () => {
  it('rules 5–6: the same key with another body or on another endpoint → 400 mismatch; nothing changes', async () => {
    const key = randomUUID();
    const first = await terminal.post('/v1/payment_intents', createBody(1000), { key });
    expect(first.statusCode).toBe(201);
    const before = await harness.eventCount();
    const otherBody = await terminal.post('/v1/payment_intents', createBody(1001), { key });
    const otherEndpoint = await terminal.post(`/v1/payment_intents/${idOf(first.body)}/confirm`, { payment_method: { type: 'cash', tendered: 1000 } }, { key });
    for (const response of [otherBody, otherEndpoint]) {
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'idempotency_key_mismatch' });
      expect(response.headers['x-should-retry']).toBe('false');
    }
    expect(await harness.eventCount()).toBe(before);
    expect((await terminal.get(`/v1/payment_intents/${idOf(first.body)}`)).json()).toMatchObject({ status: 'pending' });
  });
});

describe('replay', () => {
  it('rule 7: ten replays return the stored status and body byte for byte, flagged, appending nothing', async () => {
    const key = randomUUID();
    const first = await terminal.post('/v1/payment_intents', createBody(), { key });
    const before = await harness.eventCount();
    for (let replay = 0; replay < 10; replay += 1) {
      const again = await terminal.post('/v1/payment_intents', createBody(), { key });
      expect(again.statusCode).toBe(201);
      expect(again.body).toBe(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
    }
    expect(await harness.eventCount()).toBe(before);
    expect(await createdEvents(key)).toBe(1);
  });

  it('rule 8: the replay is the first snapshot, not the current state', async () => {
    const key = randomUUID();
    const first = await terminal.post('/v1/payment_intents', createBody(), { key });
    await terminal.post(`/v1/payment_intents/${idOf(first.body)}/confirm`, { payment_method: { type: 'cash', tendered: 1000 } });
    const replay = await terminal.post('/v1/payment_intents', createBody(), { key });
    expect(replay.json()).toMatchObject({ status: 'pending' });
    expect(replay.body).toBe(first.body);
  });
});

describe('what is stored', () => {
  it('rule 9: a refusal is stored; after the state frees room, the same key still gives the same refusal', async () => {
    const intent = await terminal.post('/v1/payment_intents', { amount: 1000, mode: 'pgw_processed', provider: 'paypay' });
    const id = idOf(intent.body);
    const shown = (await terminal.post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'qr' } })).json<{ next_action: { attempt_id: string } }>();
    await partner.post(`/v1/payment_intents/${id}/provider_result`, { attempt_id: shown.next_action.attempt_id, outcome: 'succeeded', amount: 1000, provider_payment_id: 'pp-1' });
    const pending = (await terminal.post(`/v1/payment_intents/${id}/refunds`, { amount: 800 })).json<{ refunds: { id: string; status: string }[] }>();
    expect(pending.refunds[0]?.status).toBe('pending');
    const key = randomUUID();
    const refused = await terminal.post(`/v1/payment_intents/${id}/refunds`, { amount: 500 }, { key });
    expect(refused.statusCode).toBe(422);
    const failed = await partner.post(`/v1/payment_intents/${id}/refunds/${pending.refunds[0]?.id ?? ''}/result`, { outcome: 'failed', failure_reason: 'provider rejected' });
    expect(failed.json()).toMatchObject({ amount_refunded: 0 });
    const replay = await terminal.post(`/v1/payment_intents/${id}/refunds`, { amount: 500 }, { key });
    expect(replay.statusCode).toBe(422);
    expect(replay.body).toBe(refused.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['x-should-retry']).toBe('false');
  });

  it('rule 10: a schema-invalid request is not stored: the corrected body with the same key runs', async () => {
    const key = randomUUID();
    const invalid = await terminal.post('/v1/payment_intents', { amount: -1, mode: 'manual' }, { key });
    expect(invalid.statusCode).toBe(400);
    expect(await record(key)).toBeUndefined();
    const corrected = await terminal.post('/v1/payment_intents', createBody(), { key });
    expect(corrected.statusCode).toBe(201);
  });

  it('rule 11: authentication comes first: an unsigned request with a used key gets 401, not the replay', async () => {
    const key = randomUUID();
    await terminal.post('/v1/payment_intents', createBody(), { key });
    const response = await harness.ledger.app.inject({
      method: 'POST',
      url: '/v1/payment_intents',
      headers: { 'idempotency-key': key, 'content-type': 'application/json' },
      payload: JSON.stringify(createBody()),
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('concurrency and atomicity', () => {
  it('rule 12: 50 parallel identical requests execute once; the rest are 409 in_use or replays', async () => {
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 50 }, () => terminal.post('/v1/payment_intents', createBody(), { key })));
    expect(await createdEvents(key)).toBe(1);
    const executed = responses.filter((response) => response.statusCode === 201 && response.headers['idempotent-replayed'] === undefined);
    expect(executed).toHaveLength(1);
    for (const response of responses) {
      if (response.statusCode === 409) {
        expect(response.json()).toMatchObject({ code: 'idempotency_key_in_use' });
        expect(response.headers['retry-after']).toMatch(/^\d+$/);
        expect(response.headers['x-should-retry']).toBe('true');
      } else {
        expect(response.statusCode).toBe(201);
        expect(idOf(response.body)).toBe(idOf(executed[0]?.body ?? '{}'));
      }
    }
  });

  it('rule 13: the record completes in the events transaction — a new process replays what committed', async () => {
    const key = randomUUID();
    const first = await terminal.post('/v1/payment_intents', createBody(), { key });
    const restarted = await startTestLedger();
    try {
      const replay = await (await restarted.asTerminal(tenant)).post('/v1/payment_intents', createBody(), { key });
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toBe(first.body);
    } finally {
      await restarted.close();
    }
  });

  it('rule 13: a claim whose owner lives but never finishes (hung) holds the key (409) until its lease ends; then the retry runs once (a dead owner: idempotencyFaults.int.spec.ts)', async () => {
    const key = randomUUID();
    const scope = `terminal:${tenant.terminalId}`;
    const crashed = await harness.ledger.context.idempotency.begin({ scope, key }, 'fingerprint-of-the-crashed-request');
    expect(crashed.outcome).toBe('started');
    await harness.ledger.client.query(`UPDATE idempotency_keys SET fingerprint = $3 WHERE scope = $1 AND key = $2`, [scope, key, await fingerprintOf(key)]);
    const during = await terminal.post('/v1/payment_intents', createBody(), { key });
    expect(during.statusCode).toBe(409);
    await harness.ledger.client.query(`UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE scope = $1 AND key = $2`, [scope, key]);
    const after = await terminal.post('/v1/payment_intents', createBody(), { key });
    expect(after.statusCode).toBe(201);
    expect(await createdEvents(key)).toBe(1);
  });

  it('rule 13: a failed append leaves no completed record (the completion is in the same transaction)', async () => {
    const key = randomUUID();
    const ref = { scope: 'test:atomic', key };
    await harness.ledger.context.idempotency.begin(ref, 'f');
    const stream = toPaymentIntentStreamName(`pi_atomic${randomUUID().slice(0, 8)}`);
    await expect(
      harness.ledger.store.append(
        stream,
        [{ id: randomUUID(), type: 'T', schemaVersion: 1, data: {}, metadata: {} }],
        { kind: 'exact', revision: 3 },
        {
          idempotency: { ...ref, response: { status: 201, body: '{}' } },
        },
      ),
    ).rejects.toMatchObject({ name: 'WrongExpectedVersionError' });
    expect(await record(key)).toEqual({ state: 'in_progress' });
  });
});

describe('retention and business identifiers', () => {
  it('rule 15: after the record expires, the same key and reference gives 409 duplicate_reference, not a second intent', async () => {
    const key = randomUUID();
    const body = { ...createBody(), client_reference_id: `order-${randomUUID().slice(0, 8)}` };
    const first = await terminal.post('/v1/payment_intents', body, { key });
    expect(first.statusCode).toBe(201);
    await harness.ledger.client.query(`UPDATE idempotency_keys SET expires_at = now() - interval '8 days' WHERE key = $1`, [key]);
    const again = await terminal.post('/v1/payment_intents', body, { key });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'duplicate_reference' });
    expect(await createdEvents(key)).toBe(1);
  });

  it('rule 15: the reference protects across keys too', async () => {
    const body = { ...createBody(), client_reference_id: `bill-${randomUUID().slice(0, 8)}` };
    expect((await terminal.post('/v1/payment_intents', body)).statusCode).toBe(201);
    expect((await terminal.post('/v1/payment_intents', body)).json()).toMatchObject({ status: 409, code: 'duplicate_reference' });
  });
});

describe('errors and retries', () => {
  it('rule 17: a refusal is pinned to its key even after the state changes; a new key runs', async () => {
    const intent = await terminal.post('/v1/payment_intents', { amount: 500, mode: 'external' });
    const id = idOf(intent.body);
    const launched = (await terminal.post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'card' } })).json<{ next_action: { attempt_id: string } }>();
    const key = randomUUID();
    const refused = await terminal.post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'card' } }, { key });
    expect(refused.statusCode).toBe(409);
    await terminal.post(`/v1/payment_intents/${id}/card_result`, {
      attempt_id: launched.next_action.attempt_id,
      outcome: 'declined',
      decline_code: 'card_declined',
      message: 'declined',
    });
    const pinned = await terminal.post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'card' } }, { key });
    expect(pinned.statusCode).toBe(409);
    expect(pinned.body).toBe(refused.body);
    const fresh = await terminal.post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'card' } });
    expect(fresh.json()).toMatchObject({ status: 'requires_action' });
  });

  it('rules 18 and 22: idempotency errors carry type idempotency_error, code, param null, request_id, X-Should-Retry', async () => {
    const key = randomUUID();
    await terminal.post('/v1/payment_intents', createBody(1), { key });
    const mismatch = await terminal.post('/v1/payment_intents', createBody(2), { key });
    expect(mismatch.json()).toMatchObject({
      type: expect.stringMatching(/\/idempotency_error$/) as unknown,
      code: 'idempotency_key_mismatch',
      param: null,
      request_id: expect.any(String) as unknown,
    });
    expect(mismatch.headers['x-should-retry']).toBe('false');
    const missing = await terminal.post('/v1/payment_intents', createBody(), { key: null });
    expect(missing.json()).toMatchObject({ type: expect.stringMatching(/\/invalid_request_error$/) as unknown, code: 'idempotency_key_required', param: null });
  });
});

/** The fingerprint the ledger computes for `POST /v1/payment_intents` with createBody() (method, route, params, body). */
async function fingerprintOf(key: string): Promise<string> {
  const probe = await terminal.post('/v1/payment_intents', createBody(), { key: `${key}-probe` });
  expect(probe.statusCode).toBe(201);
  const rows = await harness.ledger.client.query<{ fingerprint: string }>('SELECT fingerprint FROM idempotency_keys WHERE key = $1', [`${key}-probe`]);
  return rows[0]?.fingerprint ?? '';
}
