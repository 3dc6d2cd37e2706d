/**
 * `npm run demo`: a client partner, a merchant with two Tokyo stores (cut-off 04:00, PayPay at the
 * first) and two terminals with fresh ES256 keys, written to the ledger's own data, with every
 * credential saved to `<LEDGER_DATA_DIR>/demo/credentials.json` for `npm run -s call`.
 *
 * The partner is the root of trust: no HTTP route creates one, so it is registered straight into
 * the event store (`registerClientPartner`). Everything after it goes over HTTP, signed as the
 * partner, through the ledger's own routes:
 * - when this process can open the store (PGlite folder free, or a PostgreSQL server), it runs the
 *   ledger in-process on an ephemeral loopback port for the HTTP part, then closes it;
 * - when a running `npm start` holds the PGlite folder, it reuses the partner of an earlier demo
 *   (credentials.json) and talks to that server (LEDGER_URL, default http://127.0.0.1:3000). With
 *   no earlier partner it explains that the first run needs the folder free.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerClientPartner } from '../../../command/tenancy/index.js';
import { loadConfig, type LedgerConfig } from '../config.js';
import { DirectoryLockedError } from '../../adapters/db/directoryLock.js';
import { createLedger, type Ledger } from '../ledger.js';
import { createLogger } from '../../adapters/observability/logger.js';
import { OPERATOR_SECRET_FILE } from '../routes/operatorRoutes.js';
import { demoDirectory, displayPath, readCredentials, savePrivateKey, writeCredentials, writeRemembered, type DemoCredentials, type DemoPartner } from './demoFiles.js';
import { DEMO_TENANT_PLAN, seedTenant, type SeededTenant } from './demoTenant.js';
import { LedgerRequestError, LedgerUnreachableError } from './ledgerClient.js';

const DEFAULT_LEDGER_URL = 'http://127.0.0.1:3000';
const PARTNER_NAME = 'Demo Partner';

type Target = Readonly<{ baseUrl: string; ledger: Ledger | undefined; lockedBy: number | undefined }>;

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Opens the store in-process and serves on an ephemeral port, or reports who holds it. */
async function openTarget(config: LedgerConfig): Promise<Target> {
  try {
    const ledger = await createLedger(config, createLogger('warn'));
    const baseUrl = await ledger.app.listen({ host: '127.0.0.1', port: 0 });
    return { baseUrl, ledger, lockedBy: undefined };
  } catch (error) {
    if (!(error instanceof DirectoryLockedError)) throw error;
    return { baseUrl: process.env.LEDGER_URL ?? DEFAULT_LEDGER_URL, ledger: undefined, lockedBy: error.ownerPid };
  }
}

async function ensurePartner(target: Target, earlier: DemoCredentials | undefined, dataDir: string | undefined): Promise<DemoPartner> {
  if (earlier !== undefined) return earlier.client_partner;
  if (target.ledger === undefined) return registerThroughOperator(target.baseUrl, dataDir);
  const secret = randomBytes(32).toString('base64url');
  const { clientPartnerId } = await registerClientPartner(target.ledger.context, { name: PARTNER_NAME, secret, actor: 'cli:demo' });
  return { id: clientPartnerId, name: PARTNER_NAME, secret };
}

/**
 * The running server holds the embedded store: register the partner through the operator route
 * with the secret the server keeps in its data folder (or LEDGER_OPERATOR_SECRET).
 */
async function registerThroughOperator(baseUrl: string, dataDir: string | undefined): Promise<DemoPartner> {
  const fromFile = dataDir === undefined ? undefined : join(dataDir, OPERATOR_SECRET_FILE);
  const operator = process.env.LEDGER_OPERATOR_SECRET ?? (fromFile !== undefined && existsSync(fromFile) ? readFileSync(fromFile, 'utf8').trim() : undefined);
  if (operator === undefined) throw new DemoError('The server holds the data folder and no operator secret was found (operator.secret in the data folder, or LEDGER_OPERATOR_SECRET).');
  const response = await fetch(`${baseUrl}/v1/operator/client_partners`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-operator-secret': operator },
    body: JSON.stringify({ name: PARTNER_NAME }),
  });
  const body: unknown = await response.json();
  if (response.status !== 201 || typeof body !== 'object' || body === null || !('client_partner_id' in body) || !('secret' in body)) {
    throw new DemoError(`the operator route refused to register the demo partner: ${response.status} ${JSON.stringify(body)}`);
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

async function main(): Promise<void> {
  const config = loadConfig();
  const directory = demoDirectory(process.env);
  const earlier = readCredentials(directory);
  const target = await openTarget(config);
  try {
    const partner = await ensurePartner(target, earlier, config.database.kind === 'pglite' ? config.database.dataDir : undefined);
    const tenant = await seedTenant(target.baseUrl, { clientPartnerId: partner.id, secret: partner.secret }, DEMO_TENANT_PLAN);
    const credentials = saveCredentials(directory, partner, tenant);
    say(target.ledger === undefined ? `Over HTTP at ${target.baseUrl} (the running server):` : `Written to the ledger's store (${config.database.kind}):`);
    printSummary(credentials, directory, earlier !== undefined);
  } finally {
    await target.ledger?.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof LedgerRequestError && error.code === 'unknown_client') {
    process.stderr.write('credentials.json names a client partner this ledger does not know (was the database reset?). Delete the demo folder and run `npm run demo` again.\n');
  } else if (error instanceof DemoError || error instanceof LedgerUnreachableError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exitCode = 1;
});
