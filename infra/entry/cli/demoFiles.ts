/**
 * The demo's files, under the ledger's data folder (`<LEDGER_DATA_DIR>/demo`, or `LEDGER_DEMO_DIR`):
 * `credentials.json` (the partner's secret, the tenant's ids, the terminals' key files), one
 * `<trm_id>.pem` private key per terminal, and `last.json` (what `@last` and `@attempt` stand for).
 * Secrets are written owner-only (0600) in an owner-only folder (0700).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import type { Remembered } from './callArguments.js';

const SECRET_FILE_MODE = 0o600;
const SECRET_FOLDER_MODE = 0o700;

const credentialsSchema = z.object({
  client_partner: z.object({ id: z.string().min(1), name: z.string(), secret: z.string().min(1) }),
  merchant_id: z.string().min(1),
  stores: z.array(z.object({ id: z.string().min(1), name: z.string(), provider_config_ids: z.array(z.string()) })),
  terminals: z.array(z.object({ id: z.string().min(1), store_id: z.string().min(1), private_key_file: z.string().min(1), name: z.string().optional() })).min(1),
  created_at: z.string(),
});

export type DemoCredentials = z.infer<typeof credentialsSchema>;
export type DemoPartner = DemoCredentials['client_partner'];

const lastSchema = z.object({ payment_intent_id: z.string().optional(), attempt_id: z.string().optional() });

/**
 * The demo folder for this environment.
 *
 * @example demoDirectory(process.env) // '/work/main/data/demo'
 */
export function demoDirectory(environment: NodeJS.ProcessEnv): string {
  const explicit = environment.LEDGER_DEMO_DIR;
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  const dataDir = environment.LEDGER_DATA_DIR;
  return resolve(dataDir === undefined || dataDir === '' ? 'data' : dataDir, 'demo');
}

/** A demo file that cannot be read as what it should be. */
export class DemoFileError extends Error {
  override readonly name = 'DemoFileError';
}

/** `credentials.json`, or `undefined` when the demo has not run here. @example readCredentials(demoDirectory(process.env)) */
export function readCredentials(directory: string): DemoCredentials | undefined {
  const path = join(directory, 'credentials.json');
  if (!existsSync(path)) return undefined;
  let parsed: ReturnType<typeof credentialsSchema.safeParse>;
  try {
    parsed = credentialsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    throw new DemoFileError(`${displayPath(path)} is not JSON; delete it and run \`npm run demo\` again`);
  }
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new DemoFileError(`${displayPath(path)} is not a demo credentials file (${where}); delete it and run \`npm run demo\` again`);
  }
  return parsed.data;
}

/** Writes `credentials.json` owner-only, atomically (a rename). @example writeCredentials(directory, credentials) */
export function writeCredentials(directory: string, credentials: DemoCredentials): string {
  return writeSecretFile(directory, 'credentials.json', `${JSON.stringify(credentials, null, 2)}\n`);
}

/**
 * Saves a terminal's PKCS#8 private key as `<trm_id>.pem` (0600); answers the path as stored in
 * the credentials (relative to the working directory when inside it).
 *
 * @example savePrivateKey(directory, 'trm_01…', pem) // 'data/demo/trm_01….pem'
 */
export function savePrivateKey(directory: string, terminalId: string, privateKeyPem: string): string {
  return displayPath(writeSecretFile(directory, `${terminalId}.pem`, privateKeyPem));
}

/** A path relative to the working directory when it lies inside it. @example displayPath('/work/main/data/demo') // 'data/demo' */
export function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere === '' || fromHere.startsWith('..') ? path : fromHere;
}

/** A terminal's private key (PEM) as saved by `savePrivateKey`. @example readPrivateKey(terminal.private_key_file) */
export function readPrivateKey(file: string): string {
  return readFileSync(resolve(file), 'utf8');
}

/** What `@last` and `@attempt` stand for (empty when nothing was remembered). @example readRemembered(directory) */
export function readRemembered(directory: string): Remembered {
  const path = join(directory, 'last.json');
  if (!existsSync(path)) return {};
  const last = lastSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  return { paymentIntentId: last.payment_intent_id, attemptId: last.attempt_id };
}

/** Remembers the intent and attempt for the next call. @example writeRemembered(directory, { paymentIntentId, attemptId }) */
export function writeRemembered(directory: string, remembered: Remembered): void {
  const last = { payment_intent_id: remembered.paymentIntentId, attempt_id: remembered.attemptId };
  writeSecretFile(directory, 'last.json', `${JSON.stringify(last, null, 2)}\n`);
}

function writeSecretFile(directory: string, name: string, contents: string): string {
  mkdirSync(directory, { recursive: true, mode: SECRET_FOLDER_MODE });
  chmodSync(directory, SECRET_FOLDER_MODE);
  const path = join(directory, name);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents, { mode: SECRET_FILE_MODE });
  renameSync(temporary, path);
  return path;
}
