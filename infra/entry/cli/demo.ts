/**
 * `npm run demo`: a client partner, a merchant with two Tokyo stores (cut-off 04:00, PayPay at the
 * first) and two terminals with fresh ES256 keys, with every credential saved to
 * `<LEDGER_DATA_DIR>/demo/credentials.json` for `npm run -s call`. Everything goes over HTTP,
 * signed as the partner, through the ledger's own routes — and to the same ledger `call` talks to:
 * - when a ledger answers at LEDGER_URL (default http://127.0.0.1:3000), the demo writes through
 *   it, whatever database it runs on; the partner (the root of trust, which no partner route
 *   creates) through the operator route (LEDGER_OPERATOR_SECRET, or operator.secret in the data
 *   folder);
 * - only when nothing answers does it open the store itself (the embedded one, or DATABASE_URL),
 *   serve it in-process on an ephemeral loopback port for the HTTP part, and say so.
 * A second run reuses the tenant in credentials.json when that ledger still knows it; otherwise it
 * says so, keeps the old file as `credentials.replaced-<time>.json` and creates a new tenant.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { registerClientPartner } from '../../../command/tenancy/index.js';
import { loadConfig, type LedgerConfig } from '../config.js';
import { DirectoryLockedError } from '../../adapters/db/directoryLock.js';
import { createLedger, type Ledger } from '../ledger.js';
import { createLogger } from '../../adapters/observability/logger.js';
import { OPERATOR_SECRET_FILE } from '../routes/operatorRoutes.js';
import {
  DemoFileError,
  demoDirectory,
  displayPath,
  readCredentials,
  savePrivateKey,
  writeCredentials,
  writeRemembered,
  type DemoCredentials,
  type DemoPartner,
} from './demoFiles.js';
import { DEMO_TENANT_PLAN, seedTenant, type SeededTenant } from './demoTenant.js';
import { LedgerRequestError, LedgerUnreachableError, sendAsPartner } from './ledgerClient.js';

const DEFAULT_LEDGER_URL = 'http://127.0.0.1:3000';
const PARTNER_NAME = 'Demo Partner';

type Target = Readonly<{ baseUrl: string; ledger: Ledger | undefined; description: string }>;

const PROBE_TIMEOUT_MS = 2_000;

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Whether a ledger answers at `baseUrl` (any HTTP answer to /ready), and on which store. */
async function probeLedger(baseUrl: string): Promise<Readonly<{ store: string | undefined }> | undefined> {
  try {
    const response = await fetch(new URL('/ready', baseUrl), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const body: unknown = await response.json().catch(() => undefined);
    const store = typeof body === 'object' && body !== null && 'store' in body && typeof body.store === 'string' ? body.store : undefined;
    return { store };
  } catch {
    return undefined;
  }
}

/** The running ledger at LEDGER_URL; only when none answers, the store opened in-process. */
async function openTarget(config: LedgerConfig, ledgerUrl: string): Promise<Target> {
  const answer = await probeLedger(ledgerUrl);
  if (answer !== undefined) {
    return { baseUrl: ledgerUrl, ledger: undefined, description: `the running ledger at ${ledgerUrl}${answer.store === undefined ? '' : ` (store: ${answer.store})`}` };
  }
  const database = config.database;
  const where = database.kind === 'pglite' ? `the embedded store in ${displayPath(database.dataDir)}` : `PostgreSQL at ${withoutPassword(database.url)}`;
  let ledger: Ledger;
  try {
    ledger = await createLedger(config, createLogger('warn'));
  } catch (error) {
    if (!(error instanceof DirectoryLockedError)) throw error;
    throw new DemoError(`No ledger answered at ${ledgerUrl}, but process ${error.ownerPid} holds ${where}: set LEDGER_URL to the address that server listens on.`);
  }
  const baseUrl = await ledger.app.listen({ host: '127.0.0.1', port: 0 });
  return { baseUrl, ledger, description: `${where}, opened by this process (no ledger answered at ${ledgerUrl}; start one with npm start)` };
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

type Earlier = Readonly<{ credentials: DemoCredentials; verdict: 'valid' | 'partner_only' | 'unknown' }>;

/** Whether the target knows the partner and the merchant of an earlier demo. */
async function checkEarlier(baseUrl: string, credentials: DemoCredentials): Promise<Earlier> {
  const partner = { clientPartnerId: credentials.client_partner.id, secret: credentials.client_partner.secret };
  const merchant = await sendAsPartner(baseUrl, partner, { method: 'GET', path: `/v1/merchants/${credentials.merchant_id}` });
  if (merchant.status === 200) return { credentials, verdict: 'valid' };
  return { credentials, verdict: merchant.status === 401 || merchant.status === 403 ? 'unknown' : 'partner_only' };
}

async function createPartner(target: Target, dataDir: string | undefined): Promise<DemoPartner> {
  if (target.ledger === undefined) return registerThroughOperator(target.baseUrl, dataDir);
  const secret = randomBytes(32).toString('base64url');
  const { clientPartnerId } = await registerClientPartner(target.ledger.context, { name: PARTNER_NAME, secret, actor: 'cli:demo' });
  return { id: clientPartnerId, name: PARTNER_NAME, secret };
}

/**
 * The running server holds the store: register the partner through the operator route with the
 * secret the server keeps in its data folder (or LEDGER_OPERATOR_SECRET).
 */
async function registerThroughOperator(baseUrl: string, dataDir: string | undefined): Promise<DemoPartner> {
  const fromFile = dataDir === undefined ? undefined : join(dataDir, OPERATOR_SECRET_FILE);
  const operator = process.env.LEDGER_OPERATOR_SECRET ?? (fromFile !== undefined && existsSync(fromFile) ? readFileSync(fromFile, 'utf8').trim() : undefined);
  if (operator === undefined) {
    throw new DemoError(
      `The ledger at ${baseUrl} needs the operator secret to register the demo partner: run the demo with the server's LEDGER_OPERATOR_SECRET (or from the folder whose data/operator.secret the server uses).`,
    );
  }
  const response = await fetch(`${baseUrl}/v1/operator/client_partners`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-operator-secret': operator },
    body: JSON.stringify({ name: PARTNER_NAME }),
  });
  const body: unknown = await response.json();
  if (response.status !== 201 || typeof body !== 'object' || body === null || !('client_partner_id' in body) || !('secret' in body)) {
    throw new DemoError(
      `the ledger at ${baseUrl} refused to register the demo partner (${response.status} ${JSON.stringify(body)}): give the demo the server's LEDGER_OPERATOR_SECRET`,
    );
  }
  return { id: String(body.client_partner_id), name: PARTNER_NAME, secret: String(body.secret) };
}

function saveCredentials(directory: string, partner: DemoPartner, tenant: SeededTenant): DemoCredentials {
  const credentials: DemoCredentials = {
    client_partner: partner,
    merchant_id: tenant.merchantId,
    stores: tenant.stores.map((store) => ({ id: store.id, name: store.name, provider_config_ids: [...store.providerConfigIds] })),
    terminals: tenant.terminals.map((terminal) => ({
      id: terminal.id,
      store_id: terminal.storeId,
      private_key_file: savePrivateKey(directory, terminal.id, terminal.privateKeyPem),
    })),
    created_at: new Date().toISOString(),
  };
  writeCredentials(directory, credentials);
  writeRemembered(directory, {});
  return credentials;
}

function printSummary(credentials: DemoCredentials, directory: string, reusedPartner: boolean): void {
  const partner = credentials.client_partner;
  say(`client partner  ${partner.id}${reusedPartner ? '  (from an earlier demo)' : ''}`);
  say(`  secret        ${partner.secret}`);
  say(`merchant        ${credentials.merchant_id}  (${DEMO_TENANT_PLAN.displayName})`);
  credentials.stores.forEach((store) => {
    const providers = store.provider_config_ids.length === 0 ? '' : `  PayPay config ${store.provider_config_ids.join(', ')}`;
    say(`store           ${store.id}  ${store.name}, Asia/Tokyo, business day from 04:00${providers}`);
  });
  credentials.terminals.forEach((terminal, index) => {
    say(`terminal:${index + 1}      ${terminal.id}  at ${terminal.store_id}, key ${terminal.private_key_file}`);
  });
  say(`credentials     ${displayPath(directory)}/credentials.json (0600)`);
  say();
  say('Next, with the ledger running (npm start), in another terminal:');
  say(`  npm run -s call -- --as terminal:1 POST /v1/payment_intents '{"amount":1200,"mode":"manual"}'`);
  say(`  npm run -s call -- --as terminal:1 POST /v1/payment_intents/@last/confirm '{"payment_method":{"type":"cash","tendered":2000}}'`);
  say('  npm run -s call -- --as terminal:1 GET /v1/payment_intents/@last');
  say('  npm run -s call -- --as partner GET /v1/stores/@store1');
  say('The full walkthrough (card, refund, replay): docs/walkthrough.md');
}

class DemoError extends Error {
  override readonly name = 'DemoError';
}

/** Keeps a credentials file the target does not know as `credentials.replaced-<time>.json`. */
function setAside(directory: string): string {
  const kept = join(directory, `credentials.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  renameSync(join(directory, 'credentials.json'), kept);
  return displayPath(kept);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const directory = demoDirectory(process.env);
  const stored = readCredentials(directory);
  const target = await openTarget(config, process.env.LEDGER_URL ?? DEFAULT_LEDGER_URL);
  try {
    say(`Writing to ${target.description}.`);
    const earlier = stored === undefined ? undefined : await checkEarlier(target.baseUrl, stored);
    if (earlier?.verdict === 'valid') {
      say(`Reusing the demo tenant in ${displayPath(directory)}/credentials.json: this ledger knows it (no new merchant).`);
      printSummary(earlier.credentials, directory, true);
      return;
    }
    if (earlier?.verdict === 'partner_only')
      say(`credentials.json's merchant ${earlier.credentials.merchant_id} is not on this ledger: creating a new demo tenant under the same partner.`);
    if (earlier?.verdict === 'unknown') {
      say(`credentials.json's partner ${earlier.credentials.client_partner.id} is not valid on this ledger (another database?): creating a new demo partner and tenant.`);
      say(`  the old file is kept as ${setAside(directory)}`);
    }
    const partner =
      earlier?.verdict === 'partner_only'
        ? earlier.credentials.client_partner
        : await createPartner(target, config.database.kind === 'pglite' ? config.database.dataDir : undefined);
    const tenant = await seedTenant(target.baseUrl, { clientPartnerId: partner.id, secret: partner.secret }, DEMO_TENANT_PLAN);
    const credentials = saveCredentials(directory, partner, tenant);
    printSummary(credentials, directory, earlier?.verdict === 'partner_only');
    say(target.ledger === undefined ? `Written over HTTP through ${target.description}.` : `Written directly into ${target.description}.`);
  } finally {
    await target.ledger?.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof LedgerRequestError && error.code === 'unknown_client') {
    process.stderr.write('credentials.json names a client partner this ledger does not know (was the database reset?). Delete the demo folder and run `npm run demo` again.\n');
  } else if (error instanceof DemoError || error instanceof LedgerUnreachableError || error instanceof DemoFileError || error instanceof LedgerRequestError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`demo failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  }
  process.exitCode = 1;
});
