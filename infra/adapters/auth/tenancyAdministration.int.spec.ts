/**
 * Tenancy administration over HTTP (command/tenancy), wired with real authentication on the real
 * event store. (It lives in infra/ because it builds the app from infra adapters; command/ may not
 * import them.) It proves: partners onboard merchants, open stores, configure providers, register,
 * deactivate and reactivate terminals, and read them back; another partner's resources answer
 * exactly like missing ones (404 `not_found`) and cannot be changed; provider credentials are never
 * returned and reach the event store only as AES-256-GCM ciphertext; an optional Idempotency-Key
 * replays; `registerClientPartner` stores the secret's digest, never the secret.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerClientPartner } from '../../../command/tenancy/index.js';
import { merchantSchema, storeProviderConfigSchema, storeSchema, terminalSchema } from '../../../schemas/tenancy.js';
import { createAuthTestApp, createPartner, createTenancy, eventCount, partnerPost, partnerRequest, type AuthTestApp, type Tenancy } from '../../../test/support/authTestApp.js';

let ledger: AuthTestApp;
let alice: Tenancy;
let bob: Tenancy;

beforeAll(async () => {
  ledger = await createAuthTestApp();
  alice = await createTenancy(ledger, 'Alice Payments');
  bob = await createTenancy(ledger, 'Bob Payments');
});
afterAll(async () => {
  await ledger.close();
});

const get = (tenancy: Tenancy, url: string) => partnerRequest(ledger, tenancy.partner, { method: 'GET', url });

const credentials = { api_key: 'paypay-key-7f3a9c', api_secret: 'paypay-secret-very-private-5e1d0b' };

describe('administration by the owning partner', () => {
  it('reads back its merchant, store and terminal in the documented shapes', async () => {
    const merchant = await get(alice, `/v1/merchants/${alice.merchantId}`);
    expect(merchant.statusCode).toBe(200);
    expect(merchantSchema.parse(merchant.json())).toMatchObject({ id: alice.merchantId, client_partner_id: alice.partner.clientPartnerId, status: 'active' });
    const store = await get(alice, `/v1/stores/${alice.storeId}`);
    expect(storeSchema.parse(store.json())).toMatchObject({ id: alice.storeId, merchant_id: alice.merchantId, time_zone: 'Asia/Tokyo', cutoff_minutes: 240, status: 'open' });
    const terminal = await get(alice, `/v1/terminals/${alice.terminalId}`);
    expect(terminalSchema.parse(terminal.json())).toMatchObject({ id: alice.terminalId, store_id: alice.storeId, status: 'active', model: 'S-Pitt Air' });
  });

  it('refuses a terminal key that is not a P-256 public key (422), recording nothing', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const before = await eventCount(ledger.client);
    const response = await partnerPost(ledger, alice.partner, `/v1/stores/${alice.storeId}/terminals`, { device_uuid: randomUUID(), public_key: rsa, model: 'S-Pitt Mobile' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'tenancy.invalid_public_key' });
    expect(await eventCount(ledger.client)).toBe(before);
  });

  it('validates ids and bodies at the edge (400)', async () => {
    expect((await get(alice, '/v1/merchants/mer_not-a-ulid')).json()).toMatchObject({ status: 400, code: 'validation_error' });
    const badStore = await partnerPost(ledger, alice.partner, `/v1/merchants/${alice.merchantId}/stores`, { name: 'x', time_zone: 'Asia/Tokyo', cutoff_minutes: 1440 });
    expect(badStore.json()).toMatchObject({ status: 400, code: 'validation_error' });
  });
});

describe('tenant isolation', () => {
  it.each([
    ['merchant', () => `/v1/merchants/${alice.merchantId}`, () => '/v1/merchants/mer_01HZZZZZZZZZZZZZZZZZZZZZZZ'],
    ['store', () => `/v1/stores/${alice.storeId}`, () => '/v1/stores/str_01HZZZZZZZZZZZZZZZZZZZZZZZ'],
    ['terminal', () => `/v1/terminals/${alice.terminalId}`, () => '/v1/terminals/trm_01HZZZZZZZZZZZZZZZZZZZZZZZ'],
  ])("another partner's %s answers exactly like a missing one (404 not_found)", async (_, foreignUrl, missingUrl) => {
    const foreign = await get(bob, foreignUrl());
    const missing = await get(bob, missingUrl());
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'not_found' });
    expect(foreign.body).toBe(missing.body);
    expect((await get(alice, foreignUrl())).statusCode).toBe(200);
  });

  it("cannot open a store, configure a provider, register or deactivate a terminal in another partner's tree", async () => {
    const before = await eventCount(ledger.client);
    const attempts = [
      partnerPost(ledger, bob.partner, `/v1/merchants/${alice.merchantId}/stores`, { name: 'Hijack', time_zone: 'Asia/Tokyo', cutoff_minutes: 0 }),
      partnerPost(ledger, bob.partner, `/v1/stores/${alice.storeId}/provider_configs`, { provider_code: 'paypay', fee_rate_ppm: 0, fixed_fee_minor: 0, credentials }),
      partnerPost(ledger, bob.partner, `/v1/stores/${alice.storeId}/terminals`, { device_uuid: randomUUID(), public_key: bob.keys.publicKeyPem, model: 'S-Pitt Air' }),
      partnerPost(ledger, bob.partner, `/v1/terminals/${alice.terminalId}/deactivate`, { reason: 'mischief' }),
      partnerPost(ledger, bob.partner, `/v1/terminals/${alice.terminalId}/reactivate`, {}),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'not_found' });
    }
    expect(await eventCount(ledger.client)).toBe(before);
  });
});

describe('provider configurations', () => {
  it('seal the credentials: no response returns them, the event holds only ciphertext that opens back', async () => {
    const created = await partnerPost(ledger, alice.partner, `/v1/stores/${alice.storeId}/provider_configs`, {
      provider_code: 'paypay',
      fee_rate_ppm: 32_400,
      fixed_fee_minor: 10,
      credentials,
    });
    expect(created.statusCode).toBe(201);
    const config = storeProviderConfigSchema.parse(created.json());
    expect(config).toMatchObject({ provider_code: 'paypay', fee_rate_ppm: 32_400, fixed_fee_minor: 10, currency: 'JPY', credentials_configured: true });
    expect(config.encryption_key_id).toMatch(/^db:[0-9a-f]{16}$/);
    const store = await get(alice, `/v1/stores/${alice.storeId}`);
    expect(store.json<{ provider_configs: unknown[] }>().provider_configs).toEqual([config]);
    for (const body of [created.body, store.body]) {
      expect(body).not.toContain(credentials.api_secret);
      expect(body).not.toContain(credentials.api_key);
      expect(body).not.toContain('ciphertext');
    }
    const stored = await ledger.client.query<{ data: string; sealed: { ciphertext: string; encryptionKeyId: string } }>(
      `SELECT data::text AS data, data -> 'credentials' AS sealed FROM ledger_events WHERE event_type = 'StoreProviderConfigured' AND data ->> 'storeProviderConfigId' = $1`,
      [config.id],
    );
    expect(stored).toHaveLength(1);
    const [event] = stored;
    expect(event!.data).not.toContain(credentials.api_secret);
    expect(event!.data).not.toContain(credentials.api_key);
    expect(event!.sealed.ciphertext).toMatch(/^v1\./);
    expect(await ledger.authentication.credentials.open(event!.sealed, config.id)).toEqual(credentials);
    const all = await ledger.client.query<{ hits: number }>(`SELECT count(*)::int AS hits FROM ledger_events WHERE data::text LIKE '%' || $1 || '%'`, [credentials.api_secret]);
    expect(all[0]!.hits).toBe(0);
  });

  it('allow one configuration per provider and store (409)', async () => {
    const again = await partnerPost(ledger, alice.partner, `/v1/stores/${alice.storeId}/provider_configs`, {
      provider_code: 'paypay',
      fee_rate_ppm: 1,
      fixed_fee_minor: 0,
      credentials,
    });
    expect(again.json()).toMatchObject({ status: 409, code: 'tenancy.store_provider_config_already_configured' });
  });
});

describe('an optional Idempotency-Key', () => {
  it('replays the first response byte for byte and acts once; another body under the key is refused', async () => {
    const key = `onboard-${randomUUID()}`;
    const body = JSON.stringify({ legal_name: 'Idempotent KK', display_name: 'Idem' });
    const first = await partnerRequest(ledger, alice.partner, { method: 'POST', url: '/v1/merchants', body, headers: { 'idempotency-key': key } });
    expect(first.statusCode).toBe(201);
    const before = await eventCount(ledger.client);
    const replay = await partnerRequest(ledger, alice.partner, { method: 'POST', url: '/v1/merchants', body, headers: { 'idempotency-key': key } });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(first.body);
    expect(await eventCount(ledger.client)).toBe(before);
    const other = JSON.stringify({ legal_name: 'Other KK', display_name: 'Other' });
    const mismatch = await partnerRequest(ledger, alice.partner, { method: 'POST', url: '/v1/merchants', body: other, headers: { 'idempotency-key': key } });
    expect(mismatch.json()).toMatchObject({ status: 400, code: 'idempotency_key_mismatch' });
  });

  it('without a key, each POST creates its own merchant', async () => {
    const body = { legal_name: 'Twice KK', display_name: 'Twice' };
    const first = await partnerPost(ledger, alice.partner, '/v1/merchants', body);
    const second = await partnerPost(ledger, alice.partner, '/v1/merchants', body);
    expect(first.json<{ id: string }>().id).not.toBe(second.json<{ id: string }>().id);
  });
});

describe('registerClientPartner (CLI bootstrap)', () => {
  it('records the SHA-256 of the secret, never the secret, and the partner can sign with it', async () => {
    const secret = randomBytes(32).toString('base64url');
    const { clientPartnerId } = await registerClientPartner(ledger.context, { name: 'CLI Partner', secret });
    const rows = await ledger.client.query<{ data: string; digest: string }>(
      `SELECT data::text AS data, data ->> 'secretSha256Hex' AS digest FROM ledger_events WHERE stream_name = $1`,
      [`ClientPartner-${clientPartnerId}`],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.digest).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(rows[0]!.data).not.toContain(secret);
    const signed = await partnerPost(ledger, { clientPartnerId, secret }, '/v1/merchants', { legal_name: 'New KK', display_name: 'New' });
    expect(signed.statusCode).toBe(201);
  });

  it('refuses a short secret', async () => {
    await expect(registerClientPartner(ledger.context, { name: 'Weak', secret: 'password' })).rejects.toThrow(RangeError);
  });

  it('a partner without merchants sees none of the others', async () => {
    const carol = await createPartner(ledger, 'Carol');
    expect((await partnerRequest(ledger, carol, { method: 'GET', url: `/v1/merchants/${alice.merchantId}` })).statusCode).toBe(404);
  });
});
