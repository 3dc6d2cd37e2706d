/**
 * A small ledger for the authentication and tenancy integration tests: the real PostgreSQL event
 * store and idempotency store on the test database, the auth plugin, the tenancy routes and a probe
 * route (`GET /v1/test/whoami`) that echoes the principal. The clock is real time plus an offset the
 * test can move, shared by the auth checks, the token issuer, the caches and the command context.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { authConfig, type AuthMode } from '../../http/authConfig.js';
import type { CommandContext } from '../../command/commandContext.js';
import { registerClientPartner, registerTenancyRoutes } from '../../command/tenancy/index.js';
import { createTestClient } from './database.js';
import type { SqlClient } from '../../infra/adapters/db/sqlClient.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from '../../infra/adapters/eventStore/postgres/postgresEventStore.js';
import { registerProblemHandlers } from '../../http/problemDetails.js';
import { IDEMPOTENCY_DEFAULTS, PostgresIdempotencyStore } from '../../infra/adapters/idempotency/postgresIdempotencyStore.js';
import { newPrefixedId } from '../../infra/adapters/ids.js';
import { createAuthentication, type Authentication } from '../../infra/adapters/auth/authentication.js';
import { registerAuthentication } from '../../infra/adapters/auth/authPlugin.js';
import { randomNonce, signPartnerRequest } from '../../http/partnerSignature.js';

export type TestClock = Readonly<{ now: () => Date; advanceMs: (milliseconds: number) => void }>;

export type AuthTestApp = Readonly<{
  app: FastifyInstance;
  client: SqlClient;
  store: PostgresEventStore;
  context: CommandContext;
  authentication: Authentication;
  clock: TestClock;
  close: () => Promise<void>;
}>;

export const PROBE_MODES: Readonly<Record<string, readonly AuthMode[]>> = {
  any: ['partner', 'terminal', 'payment_token'],
  terminal: ['terminal'],
  payment_token: ['payment_token'],
  optional: ['public', 'terminal'],
};

function testClock(): TestClock {
  let offsetMs = 0;
  return { now: () => new Date(Date.now() + offsetMs), advanceMs: (milliseconds) => (offsetMs += milliseconds) };
}

/** @example const ledger = await createAuthTestApp({ cacheTtlMs: 1_000 }); */
export async function createAuthTestApp(options: Readonly<{ cacheTtlMs?: number }> = {}): Promise<AuthTestApp> {
  const client = createTestClient(8);
  const clock = testClock();
  const store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client, now: clock.now });
  const idempotency = new PostgresIdempotencyStore({ client, ...IDEMPOTENCY_DEFAULTS });
  const context: CommandContext = {
    store,
    idempotency,
    now: clock.now,
    newUuid: randomUUID,
    newId: newPrefixedId,
    conflictRetriesMax: 3,
  };
  const authentication = createAuthentication({
    client,
    store,
    now: clock.now,
    newUuid: randomUUID,
    masterKeyHex: undefined,
    ...(options.cacheTtlMs === undefined ? {} : { cacheTtlMs: options.cacheTtlMs }),
  });
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app);
  registerAuthentication(app, authentication);
  registerTenancyRoutes(app, { context, credentials: authentication.credentials });
  for (const [name, modes] of Object.entries(PROBE_MODES)) {
    app.get(`/v1/test/whoami/${name}`, { config: authConfig(...modes) }, (request) => ({ principal: request.principal ?? null }));
  }
  await app.ready();
  return {
    app,
    client,
    store,
    context,
    authentication,
    clock,
    close: async () => {
      await app.close();
      await idempotency.close();
      await store.close();
      await client.close();
    },
  };
}

export type TestPartner = Readonly<{ clientPartnerId: string; secret: string }>;

/** A fresh partner, registered the way the CLI does it. */
export async function createPartner(ledger: AuthTestApp, name = 'Test Partner'): Promise<TestPartner> {
  const secret = randomBytes(32).toString('base64url');
  const { clientPartnerId } = await registerClientPartner(ledger.context, { name, secret });
  return { clientPartnerId, secret };
}

export type SignedRequest = Readonly<{
  method: 'GET' | 'POST';
  url: string;
  body?: string;
  /** Unix seconds; default: the test clock's now. */
  timestamp?: number;
  nonce?: string;
  /** Sign with this secret instead of the partner's. */
  signingSecret?: string;
  headers?: Readonly<Record<string, string>>;
}>;

/** Signs and sends a partner request (the body is sent exactly as signed unless the test overrides it). */
export async function partnerRequest(ledger: AuthTestApp, partner: TestPartner, request: SignedRequest): Promise<LightMyRequestResponse> {
  const signed = signPartnerRequest({
    secret: request.signingSecret ?? partner.secret,
    clientId: partner.clientPartnerId,
    method: request.method,
    pathWithQuery: request.url,
    body: request.body,
    timestamp: request.timestamp ?? Math.floor(ledger.clock.now().getTime() / 1000),
    nonce: request.nonce ?? randomNonce(),
  });
  return ledger.app.inject({
    method: request.method,
    url: request.url,
    headers: { ...signed, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }), ...request.headers },
    ...(request.body === undefined ? {} : { payload: request.body }),
  });
}

/** Sends a JSON body as a partner and returns the parsed response body. */
export async function partnerPost(ledger: AuthTestApp, partner: TestPartner, url: string, body: unknown): Promise<LightMyRequestResponse> {
  return partnerRequest(ledger, partner, { method: 'POST', url, body: JSON.stringify(body) });
}

export type TerminalKeys = Readonly<{ privateKey: CryptoKey; publicKeyPem: string }>;

export async function terminalKeys(): Promise<TerminalKeys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, publicKeyPem: await exportSPKI(publicKey) };
}

export type AssertionOverrides = Readonly<{ issuedAt?: number; expiresAt?: number; jti?: string; audience?: string; issuer?: string }>;

/** A terminal's proof of possession, as the device would sign it. */
export function signAssertion(ledger: AuthTestApp, terminalId: string, privateKey: CryptoKey, overrides: AssertionOverrides = {}): Promise<string> {
  const issuedAt = overrides.issuedAt ?? Math.floor(ledger.clock.now().getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(overrides.issuer ?? terminalId)
    .setSubject(terminalId)
    .setAudience(overrides.audience ?? 'mpac-ledger')
    .setIssuedAt(issuedAt)
    .setExpirationTime(overrides.expiresAt ?? issuedAt + 120)
    .setJti(overrides.jti ?? randomUUID())
    .sign(privateKey);
}

export type Tenancy = Readonly<{ partner: TestPartner; merchantId: string; storeId: string; terminalId: string; keys: TerminalKeys }>;

/** A partner with one merchant, one store and one active terminal, created over HTTP. */
export async function createTenancy(ledger: AuthTestApp, partnerName = 'Test Partner'): Promise<Tenancy> {
  const partner = await createPartner(ledger, partnerName);
  const merchant = await partnerPost(ledger, partner, '/v1/merchants', { legal_name: 'Kissa Hanako KK', display_name: 'Kissa Hanako' });
  const merchantId = idOf(merchant);
  const store = await partnerPost(ledger, partner, `/v1/merchants/${merchantId}/stores`, { name: 'Shibuya', time_zone: 'Asia/Tokyo', cutoff_minutes: 240 });
  const storeId = idOf(store);
  const keys = await terminalKeys();
  const terminal = await partnerPost(ledger, partner, `/v1/stores/${storeId}/terminals`, {
    device_uuid: randomUUID(),
    public_key: keys.publicKeyPem,
    model: 'S-Pitt Air',
  });
  return { partner, merchantId, storeId, terminalId: idOf(terminal), keys };
}

function idOf(response: LightMyRequestResponse): string {
  const body: unknown = response.json();
  if (response.statusCode !== 201 || typeof body !== 'object' || body === null || !('id' in body) || typeof body.id !== 'string') {
    throw new Error(`expected 201 with an id, got ${response.statusCode} ${response.body}`);
  }
  return body.id;
}

/** Every event in the store (for "nothing was written" assertions). */
export async function eventCount(client: SqlClient): Promise<number> {
  const rows = await client.query<{ count: number }>('SELECT count(*)::int AS count FROM ledger_events');
  return rows[0]?.count ?? 0;
}

/** Obtains a terminal access token. */
export async function terminalToken(ledger: AuthTestApp, tenancy: Tenancy): Promise<string> {
  const assertion = await signAssertion(ledger, tenancy.terminalId, tenancy.keys.privateKey);
  const response = await ledger.app.inject({ method: 'POST', url: '/v1/terminal_tokens', payload: { terminal_id: tenancy.terminalId, assertion } });
  const body: unknown = response.json();
  if (response.statusCode !== 200 || typeof body !== 'object' || body === null || !('access_token' in body) || typeof body.access_token !== 'string') {
    throw new Error(`expected a token, got ${response.statusCode} ${response.body}`);
  }
  return body.access_token;
}
