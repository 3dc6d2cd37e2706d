/**
 * Shape checks for a terminal's public key. The domain does not do cryptography (that would need
 * `node:crypto`); the command handler imports the key once to prove it parses. Here we make sure
 * that what is recorded is a public key in one of the two accepted forms and, above all, never a
 * private one: an event is forever.
 */
import { TenancyError } from './errors.js';

export const PUBLIC_KEY_LENGTH_MAX = 8_192;

// SPKI only ('PUBLIC KEY'); PKCS#1 'RSA PUBLIC KEY' and every 'PRIVATE KEY' label are refused.
const spkiPemPattern = /^-----BEGIN PUBLIC KEY-----\r?\n(?:[A-Za-z0-9+/=]{1,76}\r?\n)+-----END PUBLIC KEY-----\r?\n?$/;
const publicKeyTypes = new Set(['EC', 'RSA', 'OKP']);
// RFC 7518/8037 private members; 'k' is a symmetric ('oct') key.
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function isPublicJwk(value: string): boolean {
  const jwk = parseJson(value);
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return false;
  const keyType: unknown = (jwk as Record<string, unknown>).kty;
  const hasPrivateMember = privateMembers.some((member) => member in jwk);
  return typeof keyType === 'string' && publicKeyTypes.has(keyType) && !hasPrivateMember;
}

/** @example requirePublicKey('-----BEGIN PUBLIC KEY-----\nMFkw…\n-----END PUBLIC KEY-----\n') */
export function requirePublicKey(publicKey: string): void {
  const wellFormed = publicKey.length <= PUBLIC_KEY_LENGTH_MAX && (spkiPemPattern.test(publicKey) || isPublicJwk(publicKey));
  if (wellFormed) return;
  throw new TenancyError('tenancy.invalid_public_key', 'The public key must be an SPKI PEM (BEGIN PUBLIC KEY) or a public JWK (EC, RSA or OKP) without private members.');
}
