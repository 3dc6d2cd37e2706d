/**
 * The partner signature as a specification: the expected values below were computed independently
 * with `sha256sum` and `openssl dgst -sha256 -hmac <hex digest of the secret>` over the documented
 * message, so a change to the key derivation, the message layout or the body hash breaks them.
 */
import { describe, expect, it } from 'vitest';
import { partnerSigningMessage, randomNonce, secretDigestHex, signPartnerRequest, verifyPartnerSignature } from './partnerSignature.js';

const secret = 'test-secret-0123456789abcdefghijklmnop';
const digest = 'f35557f9c2b0f44ffff7607add9d33d7e7316d5ff168202484bdfae9cfb01a0c';
const body = '{"legal_name":"Acme KK","display_name":"Acme"}';
const post = { method: 'POST', pathWithQuery: '/v1/merchants?x=1', timestamp: 1_700_000_000, nonce: 'nonce-0123456789abcdef', body } as const;
const get = { method: 'GET', pathWithQuery: '/v1/merchants/mer_01HZY3J5K6M7N8P9QRSTVWXYZ0', timestamp: 1_700_000_000, nonce: 'nonce-0123456789abcdef', body: undefined } as const;

describe('signPartnerRequest', () => {
  it('keys the HMAC with the hex digest of the secret', () => {
    expect(secretDigestHex(secret)).toBe(digest);
  });

  it('signs METHOD, path with query, timestamp, nonce and the body SHA-256, one per line', () => {
    expect(partnerSigningMessage(post)).toBe('POST\n/v1/merchants?x=1\n1700000000\nnonce-0123456789abcdef\n564049f8a35c42fac613abd1ea6563f3a8df04e80cf521b49e2f9a30818f5968');
    expect(signPartnerRequest({ ...post, secret, clientId: 'cp_01HZY3J5K6M7N8P9QRSTVWXYZ0' })).toEqual({
      'x-client-id': 'cp_01HZY3J5K6M7N8P9QRSTVWXYZ0',
      'x-timestamp': '1700000000',
      'x-nonce': 'nonce-0123456789abcdef',
      'x-signature': '598cb42515bd1860ba04203449dee0799cde5fefa078548eed5ba293f0914999',
    });
  });

  it('hashes the empty string when there is no body', () => {
    expect(signPartnerRequest({ ...get, secret, clientId: 'cp_01HZY3J5K6M7N8P9QRSTVWXYZ0' })['x-signature']).toBe(
      'c6adc97969087d2399880d03011af1fe479652d82b90a20dc46b6de4299e76b6',
    );
    expect(signPartnerRequest({ ...get, body: new Uint8Array(), secret, clientId: 'cp_x' })['x-signature']).toBe(
      'c6adc97969087d2399880d03011af1fe479652d82b90a20dc46b6de4299e76b6',
    );
  });
});

describe('verifyPartnerSignature', () => {
  const signature = '598cb42515bd1860ba04203449dee0799cde5fefa078548eed5ba293f0914999';

  it('accepts the signature, in either hex case', () => {
    expect(verifyPartnerSignature(digest, post, signature)).toBe(true);
    expect(verifyPartnerSignature(digest, post, signature.toUpperCase())).toBe(true);
  });

  it.each([
    ['method', { ...post, method: 'PUT' }],
    ['path', { ...post, pathWithQuery: '/v1/merchants' }],
    ['timestamp', { ...post, timestamp: 1_700_000_001 }],
    ['nonce', { ...post, nonce: 'nonce-0123456789abcdeg' }],
    ['body', { ...post, body: body.replace('Acme KK', 'Acme  KK') }],
  ])('refuses a request whose %s changed', (_, changed) => {
    expect(verifyPartnerSignature(digest, changed, signature)).toBe(false);
  });

  it('refuses another key, a truncated or a non-hex signature', () => {
    expect(verifyPartnerSignature(secretDigestHex('another secret'), post, signature)).toBe(false);
    expect(verifyPartnerSignature(digest, post, signature.slice(0, 62))).toBe(false);
    expect(verifyPartnerSignature(digest, post, `${signature.slice(0, 62)}zz`)).toBe(false);
  });
});

describe('randomNonce', () => {
  it('is 32 characters of the nonce alphabet and does not repeat', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => randomNonce()));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
