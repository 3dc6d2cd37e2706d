/**
 * PayPay's `OPA-Auth` HMAC authorization header (payments.md §4.1), built exactly as PayPay's SDKs
 * build it, and its verification (the sandbox's side):
 * - no body: contentType = payloadDigest = "empty"; with a body: payloadDigest = base64(MD5(contentType ‖ body));
 * - macData = base64(HMAC-SHA256(secret, [path, METHOD, nonce, epoch, contentType, payloadDigest].join("\n")));
 * - `hmac OPA-Auth:{apiKey}:{macData}:{nonce}:{epoch}:{payloadDigest}`.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type OpaAuthInput = Readonly<{
  apiKey: string;
  apiSecret: string;
  method: string;
  /** The request path without its query string. */
  path: string;
  /** The exact body bytes sent, or undefined for none. */
  body: string | undefined;
  contentType: string | undefined;
  epochSeconds: number;
  nonce: string;
}>;

function macOf(input: OpaAuthInput): Readonly<{ macData: string; payloadDigest: string }> {
  const hasBody = input.body !== undefined && input.body !== '';
  const contentType = hasBody ? (input.contentType ?? 'application/json') : 'empty';
  const payloadDigest = hasBody
    ? createHash('md5')
        .update(contentType)
        .update(input.body ?? '')
        .digest('base64')
    : 'empty';
  const data = [input.path, input.method.toUpperCase(), input.nonce, String(input.epochSeconds), contentType, payloadDigest].join('\n');
  return { macData: createHmac('sha256', input.apiSecret).update(data).digest('base64'), payloadDigest };
}

/** The `Authorization` header value. */
export function opaAuthHeader(input: OpaAuthInput): string {
  const { macData, payloadDigest } = macOf(input);
  return `hmac OPA-Auth:${input.apiKey}:${macData}:${input.nonce}:${input.epochSeconds}:${payloadDigest}`;
}

export const newOpaNonce = (): string => randomBytes(4).toString('hex');

export type ParsedOpaAuth = Readonly<{ apiKey: string; macData: string; nonce: string; epochSeconds: number; payloadDigest: string }>;

/** Parses the header; undefined when it is not an OPA-Auth header. */
export function parseOpaAuthHeader(header: string | undefined): ParsedOpaAuth | undefined {
  const match = /^hmac OPA-Auth:([^:]+):([^:]+):([^:]+):([0-9]{1,12}):([^:]+)$/.exec(header ?? '');
  if (match === null) return undefined;
  const [, apiKey = '', macData = '', nonce = '', epoch = '0', payloadDigest = ''] = match;
  return { apiKey, macData, nonce, epochSeconds: Number(epoch), payloadDigest };
}

/** Whether `parsed` is the header this request would carry with `apiSecret` (constant-time). */
export function verifyOpaAuth(parsed: ParsedOpaAuth, request: Omit<OpaAuthInput, 'apiKey' | 'apiSecret' | 'epochSeconds' | 'nonce'>, apiSecret: string): boolean {
  const expected = macOf({ ...request, apiKey: parsed.apiKey, apiSecret, epochSeconds: parsed.epochSeconds, nonce: parsed.nonce });
  const left = Buffer.from(expected.macData);
  const right = Buffer.from(parsed.macData);
  return left.length === right.length && timingSafeEqual(left, right) && expected.payloadDigest === parsed.payloadDigest;
}
