/**
 * The operator bootstrap of client partners: refused without or with a wrong operator secret
 * (nothing written), registers a partner that can then sign requests with the secret returned
 * once; on the embedded store the secret file is created 0600 and kept across starts.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomNonce, signPartnerRequest } from '../../adapters/auth/index.js';
import { loadConfig } from '../config.js';
import { createLedger } from '../ledger.js';
import { createLogger } from '../../adapters/observability/logger.js';
import { testDatabaseUrl } from '../../../test/support/database.js';
import { OPERATOR_SECRET_FILE, operatorSecret } from './operatorRoutes.js';

const folder = mkdtempSync(join(tmpdir(), 'ledger-operator-'));
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('operator bootstrap of client partners', () => {
  it('keeps an embedded store secret in a 0600 file, the same across starts', () => {
    const first = operatorSecret({ dataDir: folder, fromEnvironment: undefined });
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(join(folder, OPERATOR_SECRET_FILE)).mode & 0o777).toBe(0o600);
    expect(operatorSecret({ dataDir: folder, fromEnvironment: undefined })).toBe(first);
    expect(operatorSecret({ dataDir: undefined, fromEnvironment: undefined })).toBeUndefined();
  });

  it('registers a partner only with the operator secret; the partner can then sign requests', async () => {
    const secret = 'operator-secret-for-tests-0123456789abcdef';
    const ledger = await createLedger(loadConfig({ DATABASE_URL: testDatabaseUrl(), LEDGER_OPERATOR_SECRET: secret }), createLogger('silent'));
    try {
      const count = async () => (await ledger.client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_events WHERE event_type = 'ClientPartnerRegistered'`))[0]?.n;
      const before = await count();
      for (const [headers, code] of [
        [{}, 'authentication_required'],
        [{ 'x-operator-secret': `${secret}x` }, 'invalid_operator_secret'],
      ] as const) {
        const refused = await ledger.app.inject({ method: 'POST', url: '/v1/operator/client_partners', headers, payload: { name: 'Nope' } });
        expect(refused.statusCode).toBe(401);
        expect(refused.json()).toMatchObject({ code });
      }
      expect(await count()).toBe(before);
      const created = await ledger.app.inject({ method: 'POST', url: '/v1/operator/client_partners', headers: { 'x-operator-secret': secret }, payload: { name: 'Acme POS' } });
      expect(created.statusCode).toBe(201);
      const partner = created.json<{ client_partner_id: string; secret: string }>();
      const body = JSON.stringify({ legal_name: 'Acme KK', display_name: 'Acme' });
      const signed = signPartnerRequest({
        secret: partner.secret,
        clientId: partner.client_partner_id,
        method: 'POST',
        pathWithQuery: '/v1/merchants',
        body,
        timestamp: Math.floor(Date.now() / 1000),
        nonce: randomNonce(),
      });
      const merchant = await ledger.app.inject({ method: 'POST', url: '/v1/merchants', headers: { ...signed, 'content-type': 'application/json' }, payload: body });
      expect(merchant.statusCode).toBe(201);
    } finally {
      await ledger.close();
    }
  });

  it('without an operator secret (DATABASE_URL, no LEDGER_OPERATOR_SECRET) says operator access is disabled and how to enable it', async () => {
    const ledger = await createLedger(loadConfig({ DATABASE_URL: testDatabaseUrl() }), createLogger('silent'));
    try {
      const requests = [
        { method: 'POST' as const, url: '/v1/operator/client_partners', payload: { name: 'Nope' } },
        { method: 'GET' as const, url: '/v1/ops/projections' },
      ];
      for (const request of requests) {
        for (const headers of [{}, { 'x-operator-secret': 'operator-secret-that-this-server-does-not-have' }]) {
          const refused = await ledger.app.inject({ ...request, headers });
          expect(refused.statusCode).toBe(401);
          // No credentials: 401 authentication_required; the secret sent: operator_access_disabled. Both say how to enable it.
          const code = 'x-operator-secret' in headers ? 'operator_access_disabled' : 'authentication_required';
          expect(refused.json()).toMatchObject({ code, detail: expect.stringContaining('LEDGER_OPERATOR_SECRET') as unknown });
        }
      }
    } finally {
      await ledger.close();
    }
  });
});
