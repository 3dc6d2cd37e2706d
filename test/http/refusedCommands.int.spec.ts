/**
 * What this proves (issue 9 item 3): a refused command changes nothing. A fast-check property
 * sends random sequences of refused requests of every kind over HTTP to the whole ledger on the
 * real PostgreSQL — creates refused for each placement rule (another partner's store, a closed
 * store, a suspended merchant, another store's terminal, a deactivated terminal, a provider not
 * enabled), for the mode rules, for a used client reference and by the schema; confirm, card
 * result, capture, cancel and refund refused by the intent's state; tenancy commands refused —
 * with random amounts and client references, and checks that the log (every event) and every
 * table are exactly as before. Two tables change by design and are checked apart:
 * `idempotency_keys` gains one completed record per refusal that reached the command (a stored
 * 4xx, pinned to its key: payments.md (d) rule 17), and `auth_partner_nonces` one row per signed
 * partner request (replay protection happens before any command runs); `provider_task_runs` (the
 * provider reactor's retries of the setup's QR attempts) is left out. The credential master
 * key is generated once, on the first provider configuration, before the property starts.
 * Plus the exact regression: a create with `client_reference_id: "order-1"` refused with 422,
 * then the corrected create with the same reference → 201 (before the fix, 409 duplicate_reference).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../command/handleCommand.js';
import {
  merchantDecider,
  parseMerchantId,
  parseStoreId,
  parseTerminalId,
  storeDecider,
  terminalDecider,
  toMerchantStreamName,
  toStoreStreamName,
  toTerminalStreamName,
} from '../../domain/tenancy/index.js';
import { toClientReferenceStreamName } from '../../domain/clientReference/index.js';
import type { SqlClient } from '../../infra/adapters/db/sqlClient.js';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../support/testLedger.js';

let harness: TestLedger;
/** Open store, active merchant and terminal, PayPay enabled. */
let open: TenantFixture;
let other: TenantFixture;
let closedStore: TenantFixture;
let suspendedMerchant: TenantFixture;
let deactivatedTerminal: TenantFixture;
let terminal: HttpCaller;
const intents = { pendingCash: '', completedCash: '', pendingCard: '' };

const respond = () => ({ status: 200, body: '{}' });
const metadata = { actor: 'test:refused-commands' };

beforeAll(async () => {
  harness = await startTestLedger();
  const context = harness.ledger.context;
  const now = () => context.now().toISOString();
  [open, other, closedStore, suspendedMerchant, deactivatedTerminal] = await Promise.all([
    harness.tenant(['paypay']),
    harness.tenant(['paypay']),
    harness.tenant(['paypay']),
    harness.tenant(['paypay']),
    harness.tenant(['paypay']),
  ]);
  await executeCommand(context, {
    aggregate: storeDecider,
    stream: toStoreStreamName(parseStoreId(closedStore.storeId)),
    command: () => ({ type: 'CloseStore', data: { storeId: parseStoreId(closedStore.storeId), reason: 'renovation', now: now() } }) as const,
    respond,
    metadata,
  });
  await executeCommand(context, {
    aggregate: merchantDecider,
    stream: toMerchantStreamName(parseMerchantId(suspendedMerchant.merchantId)),
    command: () => ({ type: 'SuspendMerchant', data: { merchantId: parseMerchantId(suspendedMerchant.merchantId), reason: 'unpaid fees', now: now() } }) as const,
    respond,
    metadata,
  });
  await executeCommand(context, {
    aggregate: terminalDecider,
    stream: toTerminalStreamName(parseTerminalId(deactivatedTerminal.terminalId)),
    command: () => ({ type: 'DeactivateTerminal', data: { terminalId: parseTerminalId(deactivatedTerminal.terminalId), reason: 'lost', now: now() } }) as const,
    respond,
    metadata,
  });
  terminal = await harness.asTerminal(open);
  intents.pendingCash = await createdId({ amount: 1000, mode: 'manual' });
  intents.completedCash = await createdId({ amount: 1000, mode: 'manual' });
  expect((await terminal.post(`/v1/payment_intents/${intents.completedCash}/confirm`, { payment_method: { type: 'cash', tendered: 1000 } })).statusCode).toBe(200);
  intents.pendingCard = await createdId({ amount: 1000, mode: 'external' });
  await createdId({ amount: 1000, mode: 'manual', client_reference_id: 'used-1' });
});
afterAll(async () => {
  await harness.close();
});

async function createdId(body: Record<string, unknown>): Promise<string> {
  const response = await terminal.post('/v1/payment_intents', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

type Refusal = Readonly<{ name: string; send: (amount: number, reference: string | null) => Promise<{ statusCode: number; body: string }>; status: number; code: string }>;

const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** Every kind of refused command; `amount` and `reference` vary the bodies. */
function refusals(): readonly Refusal[] {
  const create = (caller: () => HttpCaller, extra: (amount: number, reference: string | null) => Record<string, unknown>) => (amount: number, reference: string | null) =>
    caller().post('/v1/payment_intents', { amount, mode: 'manual', client_reference_id: reference, ...extra(amount, reference) });
  const as = (tenant: () => TenantFixture) => () => harness.asPartner(tenant());
  const at =
    (tenant: () => TenantFixture, terminalOf: () => TenantFixture = tenant) =>
    () => ({ store_id: tenant().storeId, terminal_id: terminalOf().terminalId });
  const asTerminal = () => terminal;
  const intent = (id: () => string, path: string, body: (amount: number) => unknown) => (amount: number) => terminal.post(`/v1/payment_intents/${id()}/${path}`, body(amount));
  return [
    {
      name: "create at another partner's store",
      send: create(
        as(() => open),
        at(() => other),
      ),
      status: 404,
      code: 'tenancy.store_not_found',
    },
    {
      name: 'create at a closed store',
      send: create(
        as(() => closedStore),
        at(() => closedStore),
      ),
      status: 409,
      code: 'tenancy.store_closed',
    },
    {
      name: 'create for a suspended merchant',
      send: create(
        as(() => suspendedMerchant),
        at(() => suspendedMerchant),
      ),
      status: 409,
      code: 'tenancy.merchant_not_active',
    },
    {
      name: "create from another store's terminal",
      send: create(
        as(() => open),
        at(
          () => open,
          () => other,
        ),
      ),
      status: 404,
      code: 'tenancy.terminal_not_found',
    },
    {
      name: 'create from a deactivated terminal',
      send: create(
        as(() => deactivatedTerminal),
        at(() => deactivatedTerminal),
      ),
      status: 409,
      code: 'tenancy.terminal_deactivated',
    },
    {
      name: 'create with a provider the store has not configured',
      send: create(asTerminal, () => ({ mode: 'pgw_processed', provider: 'rakuten_pay' })),
      status: 422,
      code: 'payment_intent.provider_mismatch',
    },
    { name: 'create cash naming a provider', send: create(asTerminal, () => ({ provider: 'paypay' })), status: 422, code: 'payment_intent.provider_mismatch' },
    { name: 'create cash with manual capture', send: create(asTerminal, () => ({ capture_method: 'manual' })), status: 422, code: 'payment_intent.capture_method_not_supported' },
    { name: 'create with a used reference', send: create(asTerminal, () => ({ client_reference_id: 'used-1' })), status: 409, code: 'duplicate_reference' },
    { name: 'create with a zero amount (schema)', send: create(asTerminal, () => ({ amount: 0 })), status: 400, code: 'validation_error' },
    {
      name: 'confirm a completed intent',
      send: intent(
        () => intents.completedCash,
        'confirm',
        (amount) => ({ payment_method: { type: 'cash', tendered: amount } }),
      ),
      status: 409,
      code: 'payment_intent.invalid_state_transition',
    },
    {
      name: 'confirm cash short',
      send: intent(
        () => intents.pendingCash,
        'confirm',
        (amount) => ({ payment_method: { type: 'cash', tendered: Math.min(amount, 999) } }),
      ),
      status: 422,
      code: 'payment_intent.tendered_less_than_amount',
    },
    {
      name: 'card result for an unknown attempt',
      send: intent(
        () => intents.pendingCard,
        'card_result',
        () => ({ attempt_id: 'pa_unknown', outcome: 'unknown' }),
      ),
      status: 404,
      code: 'payment_intent.attempt_not_found',
    },
    {
      name: 'capture a pending intent',
      send: intent(
        () => intents.pendingCard,
        'capture',
        (amount) => ({ amount_to_capture: amount }),
      ),
      status: 409,
      code: 'payment_intent.invalid_state_transition',
    },
    {
      name: 'cancel a completed intent',
      send: intent(
        () => intents.completedCash,
        'cancel',
        () => ({}),
      ),
      status: 409,
      code: 'payment_intent.invalid_state_transition',
    },
    {
      name: 'refund more than received',
      send: intent(
        () => intents.completedCash,
        'refunds',
        (amount) => ({ amount: 1000 + amount }),
      ),
      status: 422,
      code: 'payment_intent.refund_exceeds_received',
    },
    {
      name: 'refund a pending intent',
      send: intent(
        () => intents.pendingCash,
        'refunds',
        (amount) => ({ amount }),
      ),
      status: 409,
      code: 'payment_intent.invalid_state_transition',
    },
    {
      name: 'open a store for a suspended merchant',
      send: () =>
        harness.asPartner(suspendedMerchant).post(`/v1/merchants/${suspendedMerchant.merchantId}/stores`, { name: 'Ginza', time_zone: 'Asia/Tokyo', cutoff_minutes: 240 }),
      status: 409,
      code: 'tenancy.merchant_not_active',
    },
    {
      name: 'open a store in an unknown time zone',
      send: () => harness.asPartner(open).post(`/v1/merchants/${open.merchantId}/stores`, { name: 'Ginza', time_zone: 'Mars/Olympus', cutoff_minutes: 240 }),
      status: 422,
      code: 'tenancy.invalid_time_zone',
    },
    {
      name: 'register a terminal at a closed store',
      send: () => harness.asPartner(closedStore).post(`/v1/stores/${closedStore.storeId}/terminals`, { device_uuid: randomUUID(), public_key: ecKey, model: 'S-Pitt Air' }),
      status: 409,
      code: 'tenancy.store_not_open',
    },
    {
      name: 'register a terminal with an RSA key',
      send: () => harness.asPartner(open).post(`/v1/stores/${open.storeId}/terminals`, { device_uuid: randomUUID(), public_key: rsaKey, model: 'S-Pitt Air' }),
      status: 422,
      code: 'tenancy.invalid_public_key',
    },
    {
      name: 'configure a provider at a closed store',
      send: () =>
        harness
          .asPartner(closedStore)
          .post(`/v1/stores/${closedStore.storeId}/provider_configs`, { provider_code: 'd_barai', fee_rate_ppm: 30_000, fixed_fee_minor: 0, credentials: { api_key: 'k' } }),
      status: 409,
      code: 'tenancy.store_not_open',
    },
    {
      name: 'configure a configured provider with other fees',
      send: (amount) =>
        harness
          .asPartner(open)
          .post(`/v1/stores/${open.storeId}/provider_configs`, { provider_code: 'paypay', fee_rate_ppm: 20_000 + amount, fixed_fee_minor: 0, credentials: { api_key: 'k' } }),
      status: 409,
      code: 'tenancy.store_provider_config_already_configured',
    },
  ];
}

/** Row count and digest of every table, by name; the excluded ones are checked apart. */
async function tableDigests(client: SqlClient): Promise<Map<string, string>> {
  const tables = await client.query<{ name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
  );
  const digests = new Map<string, string>();
  for (const { name } of tables) {
    // provider_task_runs is the provider reactor's own bookkeeping: it retries the setup's QR intents
    // (no provider URL here) on its own clock, whatever the commands do.
    if (name === 'public.idempotency_keys' || name === 'public.auth_partner_nonces' || name === 'public.provider_task_runs') continue;
    const [row] = await client.query<{ digest: string }>(`SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') AS digest FROM ${name} t`);
    digests.set(name, row?.digest ?? '');
  }
  return digests;
}

async function idempotencyRecords(client: SqlClient): Promise<Map<string, string>> {
  const rows = await client.query<{ id: string; record: string }>(
    `SELECT scope || ' ' || key AS id, state || ' ' || coalesce(response_status::text, '') || ' ' || coalesce(response_body, '') AS record FROM idempotency_keys`,
  );
  return new Map(rows.map((row) => [row.id, row.record]));
}

describe('a refused command changes nothing', () => {
  it('leaves the log and every table as they were, for random refused commands of every kind', async () => {
    const kinds = refusals();
    // Every kind once first: it must be refused as listed, and the first provider configuration
    // generates the database's credential master key (auth_server_keys, on first use, refused or
    // not: a one-time server key, no command's state).
    for (const refusal of kinds) {
      const response = await refusal.send(500, null);
      expect(response.statusCode, `${refusal.name}: ${response.body}`).toBe(refusal.status);
    }
    await harness.ledger.projections.caughtUp();
    const tablesBefore = await tableDigests(harness.ledger.client);
    const eventsBefore = await harness.eventCount();
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ kind: fc.nat(kinds.length - 1), amount: fc.integer({ min: 1, max: 999 }), reference: fc.constantFrom(null, 'order-1', 'used-1', 'bill-7') }), {
          minLength: 1,
          maxLength: 4,
        }),
        async (commands) => {
          // Compared with the state before this run (so a counterexample shrinks to the culprit) and at the end with the first.
          const runTablesBefore = await tableDigests(harness.ledger.client);
          const runEventsBefore = await harness.eventCount();
          const keysBefore = await idempotencyRecords(harness.ledger.client);
          for (const { kind, amount, reference } of commands) {
            const refusal = kinds[kind];
            if (refusal === undefined) throw new Error(`no refusal ${kind}`);
            const response = await refusal.send(amount, reference);
            expect({ name: refusal.name, status: response.statusCode, code: (JSON.parse(response.body) as { code?: string }).code }).toEqual({
              name: refusal.name,
              status: refusal.status,
              code: refusal.code,
            });
            seen.add(refusal.name);
          }
          expect(await harness.eventCount()).toBe(runEventsBefore);
          expect(await tableDigests(harness.ledger.client)).toEqual(runTablesBefore);
          const keysAfter = await idempotencyRecords(harness.ledger.client);
          for (const [id, record] of keysAfter) {
            if (keysBefore.get(id) === record) continue;
            expect(keysBefore.has(id), `an existing key changed: ${id}`).toBe(false);
            expect(record).toMatch(/^completed 4\d\d \{/);
          }
        },
      ),
      { numRuns: 30, seed: 9_003 },
    );
    expect(await harness.eventCount()).toBe(eventsBefore);
    expect(await tableDigests(harness.ledger.client)).toEqual(tablesBefore);
    expect(seen.size).toBeGreaterThan(kinds.length / 2);
  });
});

describe('regression: a refused create does not burn its client_reference_id', () => {
  it('refused with 422, then corrected with the same reference "order-1" → 201', async () => {
    const tenant = await harness.tenant(['paypay']);
    const caller = await harness.asTerminal(tenant);
    const refused = await caller.post('/v1/payment_intents', { amount: 1200, mode: 'manual', provider: 'paypay', client_reference_id: 'order-1' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'payment_intent.provider_mismatch' });
    const held = await caller.post('/v1/payment_intents', { amount: 1200, mode: 'manual', capture_method: 'manual', client_reference_id: 'order-1' });
    expect(held.json()).toMatchObject({ status: 422, code: 'payment_intent.capture_method_not_supported' });
    const corrected = await caller.post('/v1/payment_intents', { amount: 1200, mode: 'manual', client_reference_id: 'order-1' });
    expect(corrected.statusCode, corrected.body).toBe(201);
    const id = corrected.json<{ id: string }>().id;
    const again = await caller.post('/v1/payment_intents', { amount: 1200, mode: 'manual', client_reference_id: 'order-1' });
    expect(again.json()).toMatchObject({ status: 409, code: 'duplicate_reference' });
    expect(again.json<{ detail: string }>().detail).toContain(id);
  });
});

describe('a crash between the reservation and the intent’s append', () => {
  it('the retry under the same key creates the very intent the reservation names; another key gets duplicate_reference', async () => {
    const tenant = await harness.tenant([]);
    const caller = await harness.asTerminal(tenant);
    const key = randomUUID();
    const reservedIntentId = harness.ledger.context.newId('pi');
    // What the crashed request left: its reservation, and no intent (its append never committed).
    await harness.ledger.store.append(
      toClientReferenceStreamName(tenant.storeId, 'order-9'),
      [
        {
          id: randomUUID(),
          type: 'ClientReferenceReserved',
          schemaVersion: 1,
          data: { paymentIntentId: reservedIntentId, scope: `terminal:${tenant.terminalId}`, key },
          metadata: {},
        },
      ],
      { kind: 'no_stream' },
    );
    const body = { amount: 800, mode: 'manual', client_reference_id: 'order-9' };
    const other = await caller.post('/v1/payment_intents', body);
    expect(other.json()).toMatchObject({ status: 409, code: 'duplicate_reference' });
    const retried = await caller.post('/v1/payment_intents', body, { key });
    expect(retried.statusCode, retried.body).toBe(201);
    expect(retried.json<{ id: string }>().id).toBe(reservedIntentId);
  });
});
