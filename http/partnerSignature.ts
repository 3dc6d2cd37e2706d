/**
 * The partner request signature (ARCHITECTURE.md §6), as pure functions shared by the verifier,
 * the CLI, the tests and the benchmarks.
 *
 * Key: the 64 ASCII bytes of the lower-case hex SHA-256 of the partner's secret. That digest is
 * what `ClientPartnerRegistered.secretSha256Hex` records, so the ledger never stores the secret yet
 * can verify. Message, lines joined by `\n`:
 *
 *     METHOD            upper case, e.g. POST
 *     PATH_WITH_QUERY   exactly as sent on the request line, e.g. /v1/merchants?x=1
 *     TIMESTAMP         unix seconds, decimal
 *     NONCE             16–64 characters of [A-Za-z0-9_-], fresh per request
 *     BODY_SHA256       lower-case hex SHA-256 of the raw body bytes (of the empty string when there is no body)
 *
 * Signature: lower-case hex HMAC-SHA256(key, message), sent in `X-Signature`.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const PARTNER_HEADERS = {
  clientId: 'x-client-id',
  timestamp: 'x-timestamp',
  nonce: 'x-nonce',
  signature: 'x-signature',
} as const;

/** How far a request's timestamp may be from the ledger's clock, either way. */
export const SIGNATURE_WINDOW_SECONDS = 300;
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
export const SIGNATURE_PATTERN = /^[0-9a-fA-F]{64}$/;
export const TIMESTAMP_PATTERN = /^[0-9]{1,12}$/;

export type PartnerSignatureInput = Readonly<{
  method: string;
  pathWithQuery: string;
  timestamp: number;
  nonce: string;
  /** The exact bytes sent; `undefined` or empty for no body. */
  body: string | Uint8Array | undefined;
}>;

export type PartnerRequestHeaders = Readonly<{
  'x-client-id': string;
  'x-timestamp': string;
  'x-nonce': string;
  'x-signature': string;
}>;

/** @example sha256Hex('') === 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * What the ledger stores for a secret, and the HMAC key itself (as ASCII).
 *
 * @example secretDigestHex('s3cr3t…') // '9f86d0…' (64 lower-case hex characters)
 */
export function secretDigestHex(secret: string): string {
  return sha256Hex(secret);
}

/** @example partnerSigningMessage({ method: 'GET', pathWithQuery: '/v1/merchants/mer_01…', timestamp: 1700000000, nonce: 'n0nce-0123456789ab', body: undefined }) */
export function partnerSigningMessage(input: PartnerSignatureInput): string {
  const body = input.body ?? '';
  return [input.method.toUpperCase(), input.pathWithQuery, String(input.timestamp), input.nonce, sha256Hex(body)].join('\n');
}

/**
 * The hex HMAC of a request under a stored secret digest (the key is the digest's ASCII bytes).
 *
 * @example partnerSignatureHex(partner.secretSha256Hex, { method: 'POST', pathWithQuery: '/v1/merchants', timestamp, nonce, body })
 */
export function partnerSignatureHex(secretSha256Hex: string, input: PartnerSignatureInput): string {
  return createHmac('sha256', Buffer.from(secretSha256Hex, 'ascii')).update(partnerSigningMessage(input)).digest('hex');
}

/**
 * Signs a partner request: the four headers to send with it.
 *
 * @example
 * const body = JSON.stringify({ legal_name: 'Acme KK', display_name: 'Acme' });
 * const headers = signPartnerRequest({ secret, clientId: 'cp_01…', method: 'POST', pathWithQuery: '/v1/merchants',
 *   body, timestamp: Math.floor(Date.now() / 1000), nonce: randomNonce() });
 * await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } });
 */
export function signPartnerRequest(input: PartnerSignatureInput & Readonly<{ secret: string; clientId: string }>): PartnerRequestHeaders {
  return {
    'x-client-id': input.clientId,
    'x-timestamp': String(input.timestamp),
    'x-nonce': input.nonce,
    'x-signature': partnerSignatureHex(secretDigestHex(input.secret), input),
  };
}

/**
 * Whether `signatureHex` is the request's signature, compared in constant time so the answer's
 * timing reveals nothing about how many leading bytes matched.
 *
 * @example verifyPartnerSignature(partner.secretSha256Hex, request, headers['x-signature'])
 */
export function verifyPartnerSignature(secretSha256Hex: string, input: PartnerSignatureInput, signatureHex: string): boolean {
  if (!SIGNATURE_PATTERN.test(signatureHex)) return false;
  const expected = Buffer.from(partnerSignatureHex(secretSha256Hex, input), 'hex');
  const received = Buffer.from(signatureHex.toLowerCase(), 'hex');
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/** A fresh nonce: 24 random bytes, base64url (32 characters). @example headers['x-nonce'] = randomNonce() */
export function randomNonce(): string {
  return randomBytes(24).toString('base64url');
}
