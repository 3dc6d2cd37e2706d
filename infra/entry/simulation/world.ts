/**
 * The simulation's world: the whole ledger (createLedger: real command handlers, projections, the
 * provider reactor stepped by hand, the PayPay adapter) on a database of its own, the provider
 * sandbox as a separate process over real HTTP, one tenant with PayPay configured, and a clock the
 * simulation moves. Requests go over real HTTP, signed as the partner at the simulated time.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { randomNonce, signPartnerRequest } from '../../adapters/auth/index.js';
import { createLogger } from '../../adapters/observability/logger.js';
import { loadConfig } from '../config.js';
import { createLedger, type Ledger } from '../ledger.js';
import { seedTenant, TOKYO_0400 } from '../cli/demoTenant.js';
import { spawnSandbox, type RunningSandbox } from '../sandboxChild.js';
import { freePort } from '../freePort.js';
import { SandboxClient } from './sandboxClient.js';

export type SimulatedClock = Readonly<{ now: () => Date; advanceTo: (instant: Date) => void }>;

function simulatedClock(): SimulatedClock {
  let offsetMs = 0;
  let last = 0;
  return {
    // Real time plus an offset that only grows: time flows while requests run, and jumps ahead on demand.
    now: () => {
      last = Math.max(last, Date.now() + offsetMs);
      return new Date(last);
    },
    advanceTo: (instant) => {
      offsetMs += Math.max(0, instant.getTime() - (Date.now() + offsetMs));
    },
  };
}

/** `revision`: the `X-Stream-Revision` header (an intent's GET), for long-polls. */
export type Answer = Readonly<{ status: number; body: Record<string, unknown>; revision: string | null }>;

export type World = Readonly<{
  ledger: Ledger;
  sandbox: SandboxClient;
  clock: SimulatedClock;
  storeId: string;
  terminalId: string;
  /** A request signed by the partner at the simulated time. */
  call: (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<Answer>;
  close: () => Promise<void>;
}>;

export type WorldOptions = Readonly<{ databaseUrl: string; seed: number }>;

const CREDENTIALS = { api_key: 'sim-api-key', api_secret: 'sim-api-secret-0123456789', merchant_id: 'sim-merchant' } as const;

export async function openWorld(options: WorldOptions): Promise<World> {
  const clock = simulatedClock();
  const port = await freePort();
  const sandboxProcess: RunningSandbox = await spawnSandbox({
    port: 0,
    webhookUrl: `http://127.0.0.1:${port}/v1/providers/paypay/webhooks`,
    environment: { SANDBOX_QR_TTL_SECONDS: '120' },
  });
  const operatorSecret = `sim-operator-${randomUUID()}`;
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl,
    LOG_LEVEL: 'silent',
    LEDGER_OPERATOR_SECRET: operatorSecret,
    PORT: String(port),
    LEDGER_PAYPAY_BASE_URL: sandboxProcess.url,
  });
  const ledger = await createLedger({ ...config, providers: { ...config.providers, unresolvedCancelAfterMs: 60_000, qrExpiryGraceMs: 1_000 } }, createLogger('silent'), {
    clock: clock.now,
    providers: {
      reactorMode: 'manual',
      timeoutsMs: { create_qr: 800, get_payment: 600, delete_qr: 600, cancel_payment: 600, refund: 800, get_refund: 600, capture: 800, revert: 800 },
    },
  });
  const base = `http://127.0.0.1:${port}`;
  await ledger.app.listen({ host: '127.0.0.1', port });
  const sandbox = new SandboxClient(sandboxProcess.url);
  await sandbox.registerCredentials(CREDENTIALS);
  const partner = await createPartner(base, operatorSecret, options.seed);
  const tenant = await seedTenant(base, partner, {
    legalName: 'Simulation KK',
    displayName: 'Simulation',
    stores: [{ name: 'Sim store', ...TOKYO_0400, providers: [{ provider_code: 'paypay', fee_rate_ppm: 16_000, fixed_fee_minor: 0, credentials: CREDENTIALS }], terminals: 1 }],
  });
  const [store] = tenant.stores;
  const [terminal] = tenant.terminals;
  if (store === undefined || terminal === undefined) throw new Error('simulation: the tenant has no store or terminal');
  const call = (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> => partnerCall(base, partner, clock.now, method, path, body);
  return {
    ledger,
    sandbox,
    clock,
    storeId: store.id,
    terminalId: terminal.id,
    call,
    close: async () => {
      await ledger.close();
      await sandboxProcess.stop();
    },
  };
}

const registeredPartnerSchema = z.looseObject({ client_partner_id: z.string(), secret: z.string() });
/** Every ledger answer is a JSON object (a resource or a problem document). */
const answerBodySchema = z.record(z.string(), z.unknown());

export type Partner = Readonly<{ clientPartnerId: string; secret: string }>;

export async function createPartner(base: string, operatorSecret: string, seed: number): Promise<Partner> {
  const partnerResponse = await fetch(`${base}/v1/operator/client_partners`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-operator-secret': operatorSecret, 'idempotency-key': randomUUID() },
    body: JSON.stringify({ name: `Simulation ${seed}` }),
  });
  const partnerBody = registeredPartnerSchema.safeParse(await partnerResponse.json());
  if (!partnerBody.success) throw new Error(`simulation: no client partner (${partnerResponse.status})`);
  return { clientPartnerId: partnerBody.data.client_partner_id, secret: partnerBody.data.secret };
}

/** One signed partner request at the simulated clock's time. */
export async function partnerCall(base: string, partner: Partner, now: () => Date, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers = signPartnerRequest({
    secret: partner.secret,
    clientId: partner.clientPartnerId,
    method,
    pathWithQuery: path,
    body: text,
    timestamp: Math.floor(now().getTime() / 1000),
    nonce: randomNonce(),
  });
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(text === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': randomUUID() }) },
    ...(text === undefined ? {} : { body: text }),
  });
  return { status: response.status, body: answerBodySchema.parse(await response.json()), revision: response.headers.get('x-stream-revision') };
}
