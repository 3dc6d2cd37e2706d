/**
 * Terminals prove possession of their registered P-256 key to obtain a 120-second access token,
 * and payment tokens let a client SDK act on one intent. This proves, on the real event store: a
 * valid assertion buys a token that then authorizes as a `terminal` principal; a replayed, forged,
 * over-long, expired or misaddressed assertion buys nothing; an expired, forged or type-confused
 * bearer token is refused; a terminal deactivated after issue is refused once the cached status
 * expires (and before, no token is issued to it at all); a payment token yields a `payment_token`
 * principal and nothing more.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../command/handleCommand.js';
import { merchantDecider, parseMerchantId, toMerchantStreamName } from '../../../domain/tenancy/index.js';
import { loadOrCreateServerKey } from './serverKeys.js';
import { TERMINAL_TOKEN_LIFETIME_SECONDS } from './tokens.js';
import {
  createAuthTestApp,
  createTenancy,
  eventCount,
  partnerPost,
  signAssertion,
  terminalKeys,
  terminalToken,
  type AuthTestApp,
  type Tenancy,
} from '../../../test/support/authTestApp.js';

const CACHE_TTL_MS = 1_000;
let ledger: AuthTestApp;

beforeAll(async () => {
  ledger = await createAuthTestApp({ cacheTtlMs: CACHE_TTL_MS });
});
afterAll(async () => {
  await ledger.close();
});

const requestToken = (terminalId: string, assertion: string) => ledger.app.inject({ method: 'POST', url: '/v1/terminal_tokens', payload: { terminal_id: terminalId, assertion } });

const whoami = (probe: string, token: string) => ledger.app.inject({ method: 'GET', url: `/v1/test/whoami/${probe}`, headers: { authorization: `Bearer ${token}` } });

async function assertionRecorded(terminalId: string): Promise<number> {
  const rows = await ledger.client.query<{ count: number }>('SELECT count(*)::int AS count FROM auth_terminal_assertions WHERE terminal_id = $1', [terminalId]);
  return rows[0]?.count ?? 0;
}

describe('issuing terminal tokens', () => {
  let tenancy: Tenancy;
  beforeAll(async () => {
    tenancy = await createTenancy(ledger);
  });

  it('a valid assertion buys a 120 s bearer token that authorizes as the terminal', async () => {
    const response = await requestToken(tenancy.terminalId, await signAssertion(ledger, tenancy.terminalId, tenancy.keys.privateKey));
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json<{ access_token: string; token_type: string; expires_in: number }>();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: TERMINAL_TOKEN_LIFETIME_SECONDS });
    const me = await whoami('terminal', body.access_token);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({
      principal: {
        kind: 'terminal',
        terminalId: tenancy.terminalId,
        storeId: tenancy.storeId,
        merchantId: tenancy.merchantId,
        clientPartnerId: tenancy.partner.clientPartnerId,
      },
    });
  });

  it('the same assertion (jti) twice → 401 replayed_nonce', async () => {
    const assertion = await signAssertion(ledger, tenancy.terminalId, tenancy.keys.privateKey);
    expect((await requestToken(tenancy.terminalId, assertion)).statusCode).toBe(200);
    const replay = await requestToken(tenancy.terminalId, assertion);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'replayed_nonce' });
  });

  it.each([
    ['signed with another key', 'invalid_token', async (t: Tenancy) => signAssertion(ledger, t.terminalId, (await terminalKeys()).privateKey)],
    ['for another audience', 'invalid_token', (t: Tenancy) => signAssertion(ledger, t.terminalId, t.keys.privateKey, { audience: 'someone-else' })],
    ['issued by someone else', 'invalid_token', (t: Tenancy) => signAssertion(ledger, t.terminalId, t.keys.privateKey, { issuer: 'trm_01HZZZZZZZZZZZZZZZZZZZZZZZ' })],
    [
      'living longer than 5 minutes',
      'invalid_token',
      (t: Tenancy) => {
        const issuedAt = Math.floor(ledger.clock.now().getTime() / 1000);
        return signAssertion(ledger, t.terminalId, t.keys.privateKey, { issuedAt, expiresAt: issuedAt + 301 });
      },
    ],
    [
      'already expired',
      'token_expired',
      (t: Tenancy) => {
        const issuedAt = Math.floor(ledger.clock.now().getTime() / 1000) - 600;
        return signAssertion(ledger, t.terminalId, t.keys.privateKey, { issuedAt, expiresAt: issuedAt + 120 });
      },
    ],
  ])('an assertion %s → 401 %s, nothing recorded', async (_, code, sign) => {
    const before = await assertionRecorded(tenancy.terminalId);
    const response = await requestToken(tenancy.terminalId, await sign(tenancy));
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code });
    expect(await assertionRecorded(tenancy.terminalId)).toBe(before);
  });

  it('an unknown terminal → 401 unknown_client', async () => {
    const stranger = 'trm_01HZZZZZZZZZZZZZZZZZZZZZZZ';
    const response = await requestToken(stranger, await signAssertion(ledger, stranger, tenancy.keys.privateKey));
    expect(response.json()).toMatchObject({ status: 401, code: 'unknown_client' });
  });
});

describe('terminal bearer tokens', () => {
  let tenancy: Tenancy;
  beforeAll(async () => {
    tenancy = await createTenancy(ledger);
  });

  it('an expired access token → 401 token_expired', async () => {
    const token = await terminalToken(ledger, tenancy);
    expect((await whoami('terminal', token)).statusCode).toBe(200);
    ledger.clock.advanceMs((TERMINAL_TOKEN_LIFETIME_SECONDS + 10) * 1000);
    const expired = await whoami('terminal', token);
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'token_expired' });
  });

  it('a token signed with another key → 401 invalid_token', async () => {
    const forged = await new SignJWT({ scope: 'terminal', store_id: tenancy.storeId, merchant_id: tenancy.merchantId, client_partner_id: tenancy.partner.clientPartnerId })
      .setProtectedHeader({ alg: 'HS256', typ: 'mpac-terminal+jwt' })
      .setIssuer('mpac-ledger')
      .setAudience('mpac-ledger')
      .setSubject(tenancy.terminalId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(new TextEncoder().encode('an attacker-chosen key of 32 bytes!'));
    const response = await whoami('terminal', forged);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'invalid_token' });
  });

  it('a payment token cannot pose as a terminal token, even under the real key', async () => {
    const key = await loadOrCreateServerKey(ledger.client, 'token_signing');
    const now = Math.floor(ledger.clock.now().getTime() / 1000);
    const confused = await new SignJWT({ scope: 'terminal', store_id: tenancy.storeId, merchant_id: tenancy.merchantId, client_partner_id: tenancy.partner.clientPartnerId })
      .setProtectedHeader({ alg: 'HS256', typ: 'mpac-payment+jwt' })
      .setIssuer('mpac-ledger')
      .setAudience('mpac-ledger')
      .setSubject(tenancy.terminalId)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(key);
    expect((await whoami('terminal', confused)).json()).toMatchObject({ status: 401, code: 'invalid_token' });
  });

  it('a malformed Authorization header → 401 invalid_token', async () => {
    const response = await ledger.app.inject({ method: 'GET', url: '/v1/test/whoami/terminal', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(response.json()).toMatchObject({ status: 401, code: 'invalid_token' });
  });
});

describe('deactivated terminals', () => {
  it('a token issued before deactivation stops working within the cache TTL', async () => {
    const tenancy = await createTenancy(ledger);
    const token = await terminalToken(ledger, tenancy);
    expect((await whoami('terminal', token)).statusCode).toBe(200);
    const deactivated = await partnerPost(ledger, tenancy.partner, `/v1/terminals/${tenancy.terminalId}/deactivate`, { reason: 'device lost' });
    expect(deactivated.json()).toMatchObject({ status: 'deactivated' });
    ledger.clock.advanceMs(CACHE_TTL_MS);
    const refused = await whoami('terminal', token);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'terminal_deactivated' });
  });

  it('a deactivated terminal gets no token (403 terminal_deactivated), and gets one again once reactivated', async () => {
    const tenancy = await createTenancy(ledger);
    await partnerPost(ledger, tenancy.partner, `/v1/terminals/${tenancy.terminalId}/deactivate`, { reason: 'device lost' });
    const before = await assertionRecorded(tenancy.terminalId);
    const refused = await requestToken(tenancy.terminalId, await signAssertion(ledger, tenancy.terminalId, tenancy.keys.privateKey));
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'terminal_deactivated' });
    expect(refused.json()).not.toHaveProperty('access_token');
    expect(await assertionRecorded(tenancy.terminalId)).toBe(before);
    const reactivated = await partnerPost(ledger, tenancy.partner, `/v1/terminals/${tenancy.terminalId}/reactivate`, {});
    expect(reactivated.json()).toMatchObject({ status: 'active' });
    expect((await requestToken(tenancy.terminalId, await signAssertion(ledger, tenancy.terminalId, tenancy.keys.privateKey))).statusCode).toBe(200);
  });

  it('a terminal whose merchant is suspended gets no token (403 forbidden)', async () => {
    const tenancy = await createTenancy(ledger);
    const merchantId = parseMerchantId(tenancy.merchantId);
    await executeCommand(ledger.context, {
      aggregate: merchantDecider,
      stream: toMerchantStreamName(merchantId),
      command: () => ({ type: 'SuspendMerchant', data: { merchantId, reason: 'fraud review', now: ledger.clock.now().toISOString() } }) as const,
      respond: () => ({ status: 200, body: '{}' }),
      metadata: {},
    });
    const refused = await requestToken(tenancy.terminalId, await signAssertion(ledger, tenancy.terminalId, tenancy.keys.privateKey));
    expect(refused.json()).toMatchObject({ status: 403, code: 'forbidden' });
  });
});

describe('payment tokens', () => {
  const paymentIntentId = 'pi_01JD3W8Q4ZK6T9X2M5N7P1R3S8';

  it('yield a payment_token principal for that one intent', async () => {
    const tenancy = await createTenancy(ledger);
    const token = await ledger.authentication.issuePaymentToken({ paymentIntentId, clientPartnerId: tenancy.partner.clientPartnerId, merchantId: tenancy.merchantId });
    const me = await whoami('payment_token', token);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({
      principal: { kind: 'payment_token', paymentIntentId, merchantId: tenancy.merchantId, clientPartnerId: tenancy.partner.clientPartnerId },
    });
  });

  it('are refused where only terminals may act, and terminal tokens where only payment tokens may', async () => {
    const tenancy = await createTenancy(ledger);
    const paymentToken = await ledger.authentication.issuePaymentToken({ paymentIntentId, clientPartnerId: tenancy.partner.clientPartnerId, merchantId: tenancy.merchantId });
    expect((await whoami('terminal', paymentToken)).json()).toMatchObject({ status: 403, code: 'forbidden' });
    const accessToken = await terminalToken(ledger, tenancy);
    expect((await whoami('payment_token', accessToken)).json()).toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('last 24 hours', async () => {
    const tenancy = await createTenancy(ledger);
    const token = await ledger.authentication.issuePaymentToken({ paymentIntentId, clientPartnerId: tenancy.partner.clientPartnerId, merchantId: tenancy.merchantId });
    ledger.clock.advanceMs(23 * 3600 * 1000);
    expect((await whoami('payment_token', token)).statusCode).toBe(200);
    ledger.clock.advanceMs(3600 * 1000 + 10_000);
    expect((await whoami('payment_token', token)).json()).toMatchObject({ status: 401, code: 'token_expired' });
  });
});

describe('routes open to the public and to terminals', () => {
  it('pass without credentials, and still verify credentials that are sent', async () => {
    const before = await eventCount(ledger.client);
    expect((await ledger.app.inject({ method: 'GET', url: '/v1/test/whoami/optional' })).json()).toEqual({ principal: null });
    const bad = await ledger.app.inject({ method: 'GET', url: '/v1/test/whoami/optional', headers: { authorization: 'Bearer not.a.token' } });
    expect(bad.json()).toMatchObject({ status: 401, code: 'invalid_token' });
    expect(await eventCount(ledger.client)).toBe(before);
  });
});
