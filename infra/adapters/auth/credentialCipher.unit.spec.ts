/**
 * The credential cipher with an environment master key (no database): sealing is AES-256-GCM with a
 * fresh IV, the envelope hides the plaintext, opening restores it, and any change — to the
 * ciphertext, the configuration it is bound to, or the key — makes opening fail.
 */
import { describe, expect, it } from 'vitest';
import { createCredentialCipher } from './credentialCipher.js';

const masterKeyHex = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const noDatabase = () => Promise.reject(new Error('the environment key needs no database'));
const cipher = createCredentialCipher({ masterKeyHex, serverKey: noDatabase });
const credentials = { merchant_id: 'M-1', api_secret: 'super-secret-value-42' };

describe('createCredentialCipher', () => {
  it('seals into a v1 envelope that hides the plaintext and opens back', async () => {
    const sealed = await cipher.seal(credentials, 'spc_1');
    expect(sealed.encryptionKeyId).toMatch(/^env:[0-9a-f]{16}$/);
    expect(sealed.ciphertext).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed.ciphertext).not.toContain('super-secret');
    expect(Buffer.from(sealed.ciphertext.split('.')[2] ?? '', 'base64url').toString('latin1')).not.toContain('super-secret');
    expect(await cipher.open(sealed, 'spc_1')).toEqual(credentials);
  });

  it('uses a fresh IV: the same credentials seal differently', async () => {
    const [first, second] = await Promise.all([cipher.seal(credentials, 'spc_1'), cipher.seal(credentials, 'spc_1')]);
    expect(first.ciphertext).not.toBe(second.ciphertext);
  });

  it('refuses a tampered ciphertext, another configuration and another key', async () => {
    const sealed = await cipher.seal(credentials, 'spc_1');
    const [version, iv, body, tag] = sealed.ciphertext.split('.');
    const flipped = Buffer.from(body ?? '', 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    await expect(cipher.open({ ...sealed, ciphertext: [version, iv, flipped.toString('base64url'), tag].join('.') }, 'spc_1')).rejects.toThrow();
    await expect(cipher.open(sealed, 'spc_2')).rejects.toThrow();
    const other = createCredentialCipher({ masterKeyHex: masterKeyHex.replace('00', 'ff'), serverKey: noDatabase });
    await expect(other.open(sealed, 'spc_1')).rejects.toThrow(/sealed with key/);
  });

  it('refuses a master key that is not 64 hex characters', () => {
    expect(() => createCredentialCipher({ masterKeyHex: 'abc', serverKey: noDatabase })).toThrow(RangeError);
  });
});
