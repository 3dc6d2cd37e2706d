/**
 * The create's tenancy cache (command/paymentIntent/tenancyCache.ts, docs/event-store.md "Appends
 * that depend on other streams"), over HTTP on the whole ledger and the real PostgreSQL: a warm
 * create reads no tenancy stream (nor its own new stream); yet a store closed, a merchant
 * suspended, a terminal deactivated or a provider disabled refuses the very next create although
 * the cache still holds the old state; a change that commits between the decision and the append
 * refuses the create; a stale cache reserves no client reference; and a refusal is never taken on
 * cached facts (a reactivated terminal is accepted at once).
 */
import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand, type DomainEventShape } from '../../command/handleCommand.js';
import type { Decider } from '../../domain/shared/index.js';
import { toClientReferenceStreamName } from '../../domain/clientReference/index.js';
import { PAYMENT_INTENT_STREAM_PREFIX, toPaymentIntentStreamName } from '../../domain/paymentIntent/index.js';
import {
  CLIENT_PARTNER_STREAM_PREFIX,
  merchantDecider,
  parseMerchantId,
  parseStoreId,
  storeDecider,
  storeProviderConfigDecider,
  toMerchantStreamName,
  toStoreProviderConfigStreamName,
  toStoreStreamName,
} from '../../domain/tenancy/index.js';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestLedger, type TestLedger } from '../support/testLedger.js';

let harness: TestLedger;
beforeAll(async () => {
  harness = await startTestLedger();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await harness.close();
});

const respond = () => ({ status: 200, body: '{}' });
const metadata = { actor: 'test:tenancy-cache' };
const now = () => harness.ledger.context.now().toISOString();

function create(tenant: TenantFixture, extra: Record<string, unknown> = {}) {
  return harness.asPartner(tenant).post('/v1/payment_intents', { amount: 1000, mode: 'manual', store_id: tenant.storeId, terminal_id: tenant.terminalId, ...extra });
}

async function warmCreate(tenant: TenantFixture, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await create(tenant, extra);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

/** Decides and appends one tenancy command directly (no HTTP route writes it), as an operator tool would. */
function decideAndAppend<Command, Event extends DomainEventShape, State>(aggregate: Decider<Command, Event, State>, stream: string, command: Command) {
  return executeCommand(harness.ledger.context, { aggregate, stream, command: () => command, respond, metadata });
}

function closeStore(tenant: TenantFixture) {
  const storeId = parseStoreId(tenant.storeId);
  return decideAndAppend(storeDecider, toStoreStreamName(storeId), { type: 'CloseStore', data: { storeId, reason: 'renovation', now: now() } });
}

function suspendMerchant(tenant: TenantFixture) {
  const merchantId = parseMerchantId(tenant.merchantId);
  return decideAndAppend(merchantDecider, toMerchantStreamName(merchantId), { type: 'SuspendMerchant', data: { merchantId, reason: 'unpaid fees', now: now() } });
}

function disablePayPay(tenant: TenantFixture) {
  const storeId = parseStoreId(tenant.storeId);
  return decideAndAppend(storeProviderConfigDecider, toStoreProviderConfigStreamName(storeId, 'paypay'), {
    type: 'DisableStoreProvider',
    data: { storeId, providerCode: 'paypay', reason: 'contract ended', now: now() },
  });
}

async function setTerminal(tenant: TenantFixture, action: 'deactivate' | 'reactivate'): Promise<void> {
  const response = await harness.asPartner(tenant).post(`/v1/terminals/${tenant.terminalId}/${action}`, action === 'deactivate' ? { reason: 'lost' } : {});
  expect(response.statusCode, response.body).toBe(200);
}

describe('the tenancy cache of creates', () => {
  it('a warm create reads neither a tenancy stream nor its own new stream', async () => {
    const tenant = await harness.tenant(['paypay']);
    await warmCreate(tenant, { mode: 'pgw_processed', provider: 'paypay' });
    const reads = vi.spyOn(harness.ledger.store, 'readStream');
    try {
      await warmCreate(tenant, { mode: 'pgw_processed', provider: 'paypay' });
      // The partner's own stream is the auth layer's (its short TTL cache), not the create's.
      expect(reads.mock.calls.map(([stream]) => stream).filter((stream) => !stream.startsWith(CLIENT_PARTNER_STREAM_PREFIX))).toEqual([]);
    } finally {
      reads.mockRestore();
    }
  });

  it.each([
    ['a store closed', closeStore, {}, 409, 'tenancy.store_closed'],
    ['a merchant suspended', suspendMerchant, {}, 409, 'tenancy.merchant_not_active'],
    ['a terminal deactivated', (tenant: TenantFixture) => setTerminal(tenant, 'deactivate'), {}, 409, 'tenancy.terminal_deactivated'],
    ['a provider disabled', disablePayPay, { mode: 'pgw_processed', provider: 'paypay' }, 422, 'payment_intent.provider_mismatch'],
  ] as const)('%s refuses the very next create, though the cache held the old state', async (_, change, extra, status, code) => {
    const tenant = await harness.tenant(['paypay']);
    await warmCreate(tenant, extra);
    await change(tenant);
    const events = await harness.eventCount();
    const refused = await create(tenant, extra);
    expect(refused.statusCode, refused.body).toBe(status);
    expect(refused.json()).toMatchObject({ code });
    expect(await harness.eventCount()).toBe(events);
  });

  it('a store closing between the decision and the append refuses the create, writing no intent', async () => {
    const tenant = await harness.tenant();
    await warmCreate(tenant);
    const store = harness.ledger.store;
    const append = store.append.bind(store);
    let intentStream: string | undefined;
    const spy = vi.spyOn(store, 'append').mockImplementation(async (stream, events, expected, options) => {
      if (intentStream === undefined && stream.startsWith(PAYMENT_INTENT_STREAM_PREFIX)) {
        intentStream = stream;
        spy.mockRestore();
        await closeStore(tenant);
      }
      return append(stream, events, expected, options);
    });
    const refused = await create(tenant);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'tenancy.store_closed' });
    expect(intentStream).toBeDefined();
    expect(await store.readStream(intentStream ?? '', { maxCount: 10 })).toEqual([]);
  });

  it('a create with a client reference on a stale cache reserves nothing', async () => {
    const tenant = await harness.tenant();
    await warmCreate(tenant);
    await closeStore(tenant);
    const refused = await create(tenant, { client_reference_id: 'order-7' });
    expect(refused.json()).toMatchObject({ code: 'tenancy.store_closed' });
    expect(await harness.ledger.store.readStream(toClientReferenceStreamName(tenant.storeId, 'order-7'), { maxCount: 10 })).toEqual([]);
  });

  it('a refusal is confirmed on fresh reads: a terminal reactivated after a refused create is accepted at once', async () => {
    const tenant = await harness.tenant();
    await warmCreate(tenant);
    await setTerminal(tenant, 'deactivate');
    expect((await create(tenant)).json()).toMatchObject({ code: 'tenancy.terminal_deactivated' });
    await setTerminal(tenant, 'reactivate');
    const id = await warmCreate(tenant);
    expect(await harness.ledger.store.readStream(toPaymentIntentStreamName(id), { maxCount: 10 })).toHaveLength(1);
  });
});
