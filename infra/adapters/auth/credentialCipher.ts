/**
 * Provider credentials at rest (ARCHITECTURE.md §5): AES-256-GCM under a master key, so events and
 * backups hold only ciphertext. The key is `LEDGER_MASTER_KEY` (64 hex characters) in production;
 * without it (the embedded default) a key is generated once into the database (`auth_server_keys`),
 * which protects the event log's exports but not a stolen database — set the variable in production.
 *
 * Envelope: `v1.<iv>.<ciphertext>.<tag>` (base64url), with a fresh 96-bit IV per seal. The additional
 * authenticated data binds the ciphertext to its configuration id and key id, so a ciphertext copied
 * into another store's configuration does not decrypt.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { EncryptedCredentials } from '../../../domain/tenancy/index.js';
import type { ServerKeyName } from './serverKeys.js';

const ENVELOPE_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MASTER_KEY_PATTERN = /^[0-9a-fA-F]{64}$/;

export type CredentialCipher = Readonly<{
  /** Encrypts a credentials object for the configuration named by `context` (its `spc_` id). */
  seal: (credentials: Readonly<Record<string, string>>, context: string) => Promise<EncryptedCredentials>;
  /** Decrypts; throws when the key is not this one or the envelope was altered. */
  open: (sealed: EncryptedCredentials, context: string) => Promise<Record<string, string>>;
}>;

export type CredentialCipherOptions = Readonly<{
  /** `LEDGER_MASTER_KEY`; undefined uses the database-held key. */
  masterKeyHex: string | undefined;
  serverKey: (name: ServerKeyName) => Promise<Uint8Array>;
}>;

type MasterKey = Readonly<{ keyId: string; key: Uint8Array }>;

/**
 * @example
 * const cipher = createCredentialCipher({ masterKeyHex: process.env.LEDGER_MASTER_KEY, serverKey: serverKeyLoader(client) });
 * const sealed = await cipher.seal({ api_key: 'k', api_secret: 's' }, 'spc_01…'); // { ciphertext: 'v1.…', encryptionKeyId: 'env:3f9a…' }
 */
export function createCredentialCipher(options: CredentialCipherOptions): CredentialCipher {
  if (options.masterKeyHex !== undefined && !MASTER_KEY_PATTERN.test(options.masterKeyHex)) {
    throw new RangeError('LEDGER_MASTER_KEY must be 64 hex characters (32 bytes)');
  }
  let master: Promise<MasterKey> | undefined;
  const masterKey = (): Promise<MasterKey> => {
    master ??= loadMasterKey(options).catch((error: unknown) => {
      master = undefined;
      throw error;
    });
    return master;
  };
  return {
    seal: async (credentials, context) => seal(await masterKey(), credentials, context),
    open: async (sealed, context) => open(await masterKey(), sealed, context),
  };
}

async function loadMasterKey(options: CredentialCipherOptions): Promise<MasterKey> {
  const fromEnvironment = options.masterKeyHex !== undefined;
  const key = fromEnvironment ? Buffer.from(options.masterKeyHex ?? '', 'hex') : await options.serverKey('credential_master');
  // The key id names the key without revealing it (a SHA-256 of 256 random bits), so a reader of an
  // event can tell which key a ciphertext needs after a rotation.
  const fingerprint = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return { keyId: `${fromEnvironment ? 'env' : 'db'}:${fingerprint}`, key };
}

const additionalData = (keyId: string, context: string): Buffer => Buffer.from(`mpac.credentials.${ENVELOPE_VERSION}\n${keyId}\n${context}`, 'utf8');

function seal(master: MasterKey, credentials: Readonly<Record<string, string>>, context: string): EncryptedCredentials {
  const sorted = Object.fromEntries(Object.entries(credentials).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)));
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', master.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(master.keyId, context));
  const body = Buffer.concat([cipher.update(JSON.stringify(sorted), 'utf8'), cipher.final()]);
  const parts = [iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url'));
  return { ciphertext: [ENVELOPE_VERSION, ...parts].join('.'), encryptionKeyId: master.keyId };
}

function open(master: MasterKey, sealed: EncryptedCredentials, context: string): Record<string, string> {
  if (sealed.encryptionKeyId !== master.keyId) throw new Error(`credentials were sealed with key ${sealed.encryptionKeyId}, not the loaded ${master.keyId}`);
  const [version, iv, body, tag, ...rest] = sealed.ciphertext.split('.');
  if (version !== ENVELOPE_VERSION || iv === undefined || body === undefined || tag === undefined || rest.length > 0) {
    throw new Error('credentials envelope is not v1');
  }
  const decipher = createDecipheriv('aes-256-gcm', master.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(master.keyId, context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const plaintext = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  const parsed: unknown = JSON.parse(plaintext);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('credentials plaintext is not an object');
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
