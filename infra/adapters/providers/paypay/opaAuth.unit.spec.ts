import { describe, expect, it } from 'vitest';
import { opaAuthHeader, parseOpaAuthHeader, verifyOpaAuth } from './opaAuth.js';

const vector = {
  apiKey: 'APIKeyGenerated',
  apiSecret: 'APIKeySecretGenerated',
  method: 'POST',
  path: '/v2/codes',
  body: '{"sampleRequestBodyKey1":"sampleRequestBodyValue1","sampleRequestBodyKey2":"sampleRequestBodyValue2"}',
  contentType: 'application/json;charset=UTF-8;',
  epochSeconds: 1579843452,
  nonce: 'acd028',
};

describe('OPA-Auth', () => {
  it("reproduces PayPay's published test vector", () => {
    expect(opaAuthHeader(vector)).toBe('hmac OPA-Auth:APIKeyGenerated:NW1jKIMnzR7tEhMWtcJcaef+nFVBt7jjAGcVuxHhchc=:acd028:1579843452:1j0FnY4flNp5CtIKa7x9MQ==');
  });

  it('verifies its own header and refuses a changed body, path or secret', () => {
    const parsed = parseOpaAuthHeader(opaAuthHeader(vector));
    expect(parsed).toBeDefined();
    if (parsed === undefined) return;
    const request = { method: vector.method, path: vector.path, body: vector.body, contentType: vector.contentType };
    expect(verifyOpaAuth(parsed, request, vector.apiSecret)).toBe(true);
    expect(verifyOpaAuth(parsed, { ...request, body: `${vector.body} ` }, vector.apiSecret)).toBe(false);
    expect(verifyOpaAuth(parsed, { ...request, path: '/v2/refunds' }, vector.apiSecret)).toBe(false);
    expect(verifyOpaAuth(parsed, request, 'another secret')).toBe(false);
  });

  it('uses "empty" for requests without a body', () => {
    expect(opaAuthHeader({ ...vector, method: 'GET', body: undefined, contentType: undefined })).toMatch(/:empty$/);
  });
});
