/**
 * Partner servers authenticate with HMAC-SHA256 signatures. This proves, against the real event
 * store and PostgreSQL, that a correctly signed request passes (path with query and body included),
 * and that a tampered body, a wrong key, a stale timestamp in either direction, a replayed nonce,
 * missing or ambiguous headers, an unknown client and a suspended partner are each refused with
 * their stable 401/403 code — before validation and without writing anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../command/handleCommand.js';
import { clientPartnerDecider, parseClientPartnerId, toClientPartnerStreamName } from '../../../domain/tenancy/index.js';
import { PARTNER_HEADERS, randomNonce, SIGNATURE_WINDOW_SECONDS, signPartnerRequest } from '../../../http/partnerSignature.js';
import {
  createAuthTestApp,
  createPartner,
  createTenancy,
  eventCount,
  partnerPost,
  partnerRequest,
  terminalToken,
  type AuthTestApp,
  type TestPartner,
} from '../../../test/support/authTestApp.js';

let ledger: AuthTestApp;
let partner: TestPartner;
const merchantBody = JSON.stringify({ legal_name: 'Kissa Hanako KK', display_name: 'Kissa Hanako' });

beforeAll(async () => {
  ledger = await createAuthTestApp();
  partner = await createPartner(ledger);
});
afterAll(async () => {
  await ledger.close();
});

const nowSeconds = () => Math.floor(ledger.clock.now().getTime() / 1000);

async function nonceRecorded(nonce: string): Promise<boolean> {
  const rows = await ledger.client.query('SELECT 1 FROM auth_partner_nonces WHERE nonce = $1', [nonce]);
  return rows.length > 0;
}

/** Sends a refused request and checks its problem, that no event was written and no nonce kept. */
async function expectRefused(send: (nonce: string) => Promise<{ statusCode: number; headers: Record<string, unknown>; json: () => unknown }>, status: number, code: string) {
  const before = await eventCount(ledger.client);
  const nonce = randomNonce();
  const response = await send(nonce);
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.json()).toMatchObject({ status, code, type: `https://mpac-ledger.dev/problems/${code}` });
  expect(await eventCount(ledger.client)).toBe(before);
  expect(await nonceRecorded(nonce)).toBe(false);
}

describe('a correctly signed partner request', () => {
  it('passes and acts as that partner', async () => {
    const response = await partnerRequest(ledger, partner, { method: 'POST', url: '/v1/merchants', body: merchantBody });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ object: 'merchant', client_partner_id: partner.clientPartnerId });
  });

  it('signs the path with its query string and an empty body for GET', async () => {
    const created = await partnerPost(ledger, partner, '/v1/merchants', { legal_name: 'A KK', display_name: 'A' });
    const { id } = created.json<{ id: string }>();
    const response = await partnerRequest(ledger, partner, { method: 'GET', url: `/v1/merchants/${id}?expand=none` });
    expect(response.statusCode).toBe(200);
    const signedWithoutQuery = signPartnerRequest({
      secret: partner.secret,
      clientId: partner.clientPartnerId,
      method: 'GET',
      pathWithQuery: `/v1/merchants/${id}`,
      body: undefined,
      timestamp: nowSeconds(),
      nonce: randomNonce(),
    });
    const moved = await ledger.app.inject({ method: 'GET', url: `/v1/merchants/${id}?expand=none`, headers: signedWithoutQuery });
    expect(moved.json()).toMatchObject({ status: 401, code: 'invalid_signature' });
  });

  it('is accepted just inside the window on either side', async () => {
    for (const skew of [-(SIGNATURE_WINDOW_SECONDS - 1), SIGNATURE_WINDOW_SECONDS - 1]) {
      const response = await partnerRequest(ledger, partner, { method: 'POST', url: '/v1/merchants', body: merchantBody, timestamp: nowSeconds() + skew });
      expect(response.statusCode).toBe(201);
    }
  });
});

describe('refused partner signatures', () => {
  it('a tampered body → 401 invalid_signature', async () => {
    await expectRefused(
      async (nonce) => {
        const headers = signPartnerRequest({
          secret: partner.secret,
          clientId: partner.clientPartnerId,
          method: 'POST',
          pathWithQuery: '/v1/merchants',
          body: merchantBody,
          timestamp: nowSeconds(),
          nonce,
        });
        const tampered = merchantBody.replace('Kissa Hanako KK', 'Mallory KK');
        return ledger.app.inject({ method: 'POST', url: '/v1/merchants', payload: tampered, headers: { ...headers, 'content-type': 'application/json' } });
      },
      401,
      'invalid_signature',
    );
  });

  it('a signature under another secret → 401 invalid_signature', async () => {
    await expectRefused(
      (nonce) => partnerRequest(ledger, partner, { method: 'POST', url: '/v1/merchants', body: merchantBody, nonce, signingSecret: 'not-the-partners-secret-0123456789abcdef' }),
      401,
      'invalid_signature',
    );
  });

  it.each([
    ['in the past', -(SIGNATURE_WINDOW_SECONDS + 1)],
    ['in the future', SIGNATURE_WINDOW_SECONDS + 1],
  ])('a timestamp beyond the window %s → 401 stale_timestamp', async (_, skew) => {
    await expectRefused(
      (nonce) => partnerRequest(ledger, partner, { method: 'POST', url: '/v1/merchants', body: merchantBody, nonce, timestamp: nowSeconds() + skew }),
      401,
      'stale_timestamp',
    );
  });

  it('a replayed request (same nonce) → 401 replayed_nonce, and it acted once', async () => {
    const nonce = randomNonce();
    const timestamp = nowSeconds();
    const first = await partnerRequest(ledger, partner, { method: 'POST', url: '/v1/merchants', body: merchantBody, nonce, timestamp });
    expect(first.statusCode).toBe(201);
    const before = await eventCount(ledger.client);
    const replay = await partnerRequest(ledger, partner, { method: 'POST', url: '/v1/merchants', body: merchantBody, nonce, timestamp });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'replayed_nonce' });
    expect(await eventCount(ledger.client)).toBe(before);
  });
});

describe('refused partner callers', () => {
  it.each(Object.values(PARTNER_HEADERS))('a request without %s → 401 authentication_required', async (missing) => {
    await expectRefused(
      async (nonce) => {
        const headers: Record<string, string> = {
          ...signPartnerRequest({
            secret: partner.secret,
            clientId: partner.clientPartnerId,
            method: 'POST',
            pathWithQuery: '/v1/merchants',
            body: merchantBody,
            timestamp: nowSeconds(),
            nonce,
          }),
          'content-type': 'application/json',
        };
        const rest = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== missing));
        return ledger.app.inject({ method: 'POST', url: '/v1/merchants', payload: merchantBody, headers: rest });
      },
      401,
      'authentication_required',
    );
  });

  it('no credentials at all → 401 authentication_required with WWW-Authenticate', async () => {
    const response = await ledger.app.inject({ method: 'POST', url: '/v1/merchants', payload: merchantBody, headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'authentication_required' });
    expect(response.headers['www-authenticate']).toContain('Bearer');
  });

  it('an unknown client id → 401 unknown_client', async () => {
    const stranger = { clientPartnerId: 'cp_01HZZZZZZZZZZZZZZZZZZZZZZZ', secret: partner.secret };
    await expectRefused((nonce) => partnerRequest(ledger, stranger, { method: 'POST', url: '/v1/merchants', body: merchantBody, nonce }), 401, 'unknown_client');
  });

  it('a suspended partner → 403 client_suspended, even with a valid signature', async () => {
    const suspended = await createPartner(ledger, 'Suspended Partner');
    const clientPartnerId = parseClientPartnerId(suspended.clientPartnerId);
    await executeCommand(ledger.context, {
      aggregate: clientPartnerDecider,
      stream: toClientPartnerStreamName(clientPartnerId),
      command: () => ({ type: 'SuspendClientPartner', data: { clientPartnerId, reason: 'unpaid invoices', now: ledger.clock.now().toISOString() } }) as const,
      respond: () => ({ status: 200, body: '{}' }),
      metadata: {},
    });
    await expectRefused((nonce) => partnerRequest(ledger, suspended, { method: 'POST', url: '/v1/merchants', body: merchantBody, nonce }), 403, 'client_suspended');
  });

  it('a malformed signature header → 401 invalid_signature', async () => {
    await expectRefused(
      (nonce) => partnerRequest(ledger, partner, { method: 'POST', url: '/v1/merchants', body: merchantBody, nonce, headers: { 'x-signature': 'zz' } }),
      401,
      'invalid_signature',
    );
  });

  it('a partner signature and a bearer token together → 401 authentication_required', async () => {
    await expectRefused(
      (nonce) => partnerRequest(ledger, partner, { method: 'POST', url: '/v1/merchants', body: merchantBody, nonce, headers: { authorization: 'Bearer abc.def.ghi' } }),
      401,
      'authentication_required',
    );
  });

  it('a terminal token on a partner-only route → 403 forbidden', async () => {
    const tenancy = await createTenancy(ledger);
    const token = await terminalToken(ledger, tenancy);
    const response = await ledger.app.inject({ method: 'GET', url: `/v1/merchants/${tenancy.merchantId}`, headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'forbidden' });
  });

  it('authentication runs before schema validation: an unsigned invalid body → 401, not 400', async () => {
    const response = await ledger.app.inject({ method: 'POST', url: '/v1/merchants', payload: { nonsense: true } });
    expect(response.statusCode).toBe(401);
  });

  it('bad JSON → 400 malformed_json', async () => {
    const response = await partnerRequest(ledger, partner, { method: 'POST', url: '/v1/merchants', body: '{"legal_name": ' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'malformed_json' });
  });
});

describe('nonce retention', () => {
  it('prunes nonces once their timestamp can no longer pass the window, and the replay stays refused', async () => {
    const nonce = randomNonce();
    const timestamp = nowSeconds();
    expect((await partnerRequest(ledger, partner, { method: 'GET', url: '/v1/test/whoami/any', nonce, timestamp })).statusCode).toBe(200);
    await ledger.authentication.pruneExpiredNonces();
    expect(await nonceRecorded(nonce)).toBe(true);
    ledger.clock.advanceMs((SIGNATURE_WINDOW_SECONDS + 61) * 1000);
    expect(await ledger.authentication.pruneExpiredNonces()).toBeGreaterThan(0);
    expect(await nonceRecorded(nonce)).toBe(false);
    const replay = await partnerRequest(ledger, partner, { method: 'GET', url: '/v1/test/whoami/any', nonce, timestamp });
    expect(replay.json()).toMatchObject({ status: 401, code: 'stale_timestamp' });
  });
});
