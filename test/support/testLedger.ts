import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger, LightMyRequestResponse } from 'fastify';
import { SignJWT } from 'jose';
import { loadConfig } from '../../infra/entry/config.js';
import { createLedger, type Ledger, type LedgerParts } from '../../infra/entry/ledger.js';
import { createLogger } from '../../infra/adapters/observability/logger.js';
import { randomNonce, signPartnerRequest } from '../../infra/adapters/auth/index.js';
import { testDatabaseUrl } from './database.js';
import { createTenant, type TenantFixture } from './tenancyFixtures.js';
import type { ProviderCode } from '../../domain/tenancy/index.js';

/**
 * The whole ledger as `npm start` builds it (createLedger), on the test database, driven with
 * `inject` and real credentials: partner HMAC signatures and terminal device tokens.
 */
export type TestLedger = Readonly<{
  ledger: Ledger;
  tenant: (providers?: readonly ProviderCode[], sameClientPartnerAs?: TenantFixture) => Promise<TenantFixture>;
  asPartner: (tenant: TenantFixture) => HttpCaller;
  asTerminal: (tenant: TenantFixture) => Promise<HttpCaller>;
  /** A device access token for the tenant's terminal (for callers that go over a real socket). */
  terminalToken: (tenant: TenantFixture) => Promise<string>;
  withBearer: (token: string) => HttpCaller;
  eventCount: () => Promise<number>;
  close: () => Promise<void>;
}>;

export type CallOptions = Readonly<{ key?: string | null; headers?: Readonly<Record<string, string>> }>;

export type HttpCaller = Readonly<{
  post: (url: string, body: unknown, options?: CallOptions) => Promise<LightMyRequestResponse>;
  get: (url: string, options?: CallOptions) => Promise<LightMyRequestResponse>;
}>;

/**
 * The ledger on the test database; `environment` adds configuration (e.g. `LEDGER_OPERATOR_SECRET`),
 * `logger` replaces the silent one (a test that reads the log lines), `parts` e.g. other projectors.
 */
export async function startTestLedger(
  environment: Readonly<Record<string, string>> = {},
  logger: FastifyBaseLogger = createLogger('silent'),
  parts: LedgerParts = {},
): Promise<TestLedger> {
  // Event-loop shedding is off unless a test asks for it: a test process shares its loop with the
  // test's own CPU work (hashing a log, folding a simulation), which a ledger process does not.
  const ledger = await createLedger(loadConfig({ DATABASE_URL: testDatabaseUrl(), LOG_LEVEL: 'silent', LEDGER_SHED_EVENT_LOOP_DELAY_MS: '0', ...environment }), logger, parts);
  await ledger.app.ready();
  const send = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, body: string | undefined) =>
    ledger.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body }) });
  const keyHeader = (method: string, options: CallOptions | undefined): Record<string, string> => {
    const key = options?.key === undefined ? (method === 'POST' ? randomUUID() : null) : options.key;
    return key === null ? {} : { 'idempotency-key': key };
  };
  const bearer = (token: string): HttpCaller => ({
    post: (url, body, options) =>
      send('POST', url, { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...keyHeader('POST', options), ...options?.headers }, JSON.stringify(body)),
    get: (url, options) => send('GET', url, { authorization: `Bearer ${token}`, ...keyHeader('GET', options), ...options?.headers }, undefined),
  });
  const partner = (tenant: TenantFixture): HttpCaller => {
    const signed = (method: 'GET' | 'POST', url: string, body: string | undefined, options: CallOptions | undefined) => {
      const headers = signPartnerRequest({
        secret: tenant.secret,
        clientId: tenant.clientPartnerId,
        method,
        pathWithQuery: url,
        body,
        timestamp: Math.floor(Date.now() / 1000),
        nonce: randomNonce(),
      });
      return send(method, url, { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...keyHeader(method, options), ...options?.headers }, body);
    };
    return { post: (url, body, options) => signed('POST', url, JSON.stringify(body), options), get: (url, options) => signed('GET', url, undefined, options) };
  };
  const terminalToken = async (tenant: TenantFixture): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(tenant.terminalId)
      .setSubject(tenant.terminalId)
      .setAudience('mpac-ledger')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .setJti(randomUUID())
      .sign(tenant.terminalKey);
    const response = await send('POST', '/v1/terminal_tokens', { 'content-type': 'application/json' }, JSON.stringify({ terminal_id: tenant.terminalId, assertion }));
    const body = response.json<{ access_token?: string }>();
    if (response.statusCode !== 200 || body.access_token === undefined) throw new Error(`no terminal token: ${response.statusCode} ${response.body}`);
    return body.access_token;
  };
  const terminal = async (tenant: TenantFixture): Promise<HttpCaller> => bearer(await terminalToken(tenant));
  return {
    ledger,
    tenant: (providers = [], sameClientPartnerAs) => createTenant(ledger.context, providers, sameClientPartnerAs),
    asPartner: partner,
    asTerminal: terminal,
    terminalToken,
    withBearer: bearer,
    eventCount: async () => {
      const rows = await ledger.client.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_events');
      return rows[0]?.n ?? 0;
    },
    close: () => ledger.close(),
  };
}

/** One ledger, one tenant with PayPay configured, and its terminal and partner callers. */
export type Testbed = Readonly<{ harness: TestLedger; tenant: TenantFixture; terminal: HttpCaller; partner: HttpCaller }>;

/** Starts the whole ledger and a tenant for a spec file (call from `beforeAll`; close `harness` in `afterAll`). */
export async function startTestbed(): Promise<Testbed> {
  const harness = await startTestLedger();
  const tenant = await harness.tenant(['paypay']);
  return { harness, tenant, terminal: await harness.asTerminal(tenant), partner: harness.asPartner(tenant) };
}
