import type { EncryptedCredentials } from '../../domain/tenancy/index.js';

/**
 * Encrypts a store's provider credentials before they reach the domain (infra/adapters/auth's
 * `CredentialCipher` implements it with AES-256-GCM). `context` is the configuration's `spc_` id,
 * bound into the ciphertext so it cannot be replayed into another configuration.
 *
 * @example const sealed = await sealer.seal({ api_key: 'k', api_secret: 's' }, 'spc_01…'); // { ciphertext, encryptionKeyId }
 */
export type CredentialSealer = Readonly<{
  seal: (credentials: Readonly<Record<string, string>>, context: string) => Promise<EncryptedCredentials>;
}>;
