/**
 * A small HTTP client for the ledger, as a partner server or a terminal would call it: partner
 * requests signed with HMAC (fresh nonce and timestamp each time), terminal requests with a bearer
 * token obtained by signing an ES256 assertion with the terminal's private key.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { LEDGER_ISSUER, randomNonce, signPartnerRequest } from '../../adapters/auth/index.js';

export type LedgerResponse = Readonly<{
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or `undefined` when it is empty or not JSON. */
  json: unknown;
}>;

export type PartnerCredentials = Readonly<{ clientPartnerId: string; secret: string }>;
export type TerminalCredentials = Readonly<{ terminalId: string; privateKeyPem: string }>;

export type LedgerRequest = Readonly<{
  method: string;
  /** Path with query, exactly as sent (it is signed). */
  path: string;
  /** The exact JSON text to send, if any. */
  body?: string | undefined;
  /** Sent as `Idempotency-Key`. */
  idempotencyKey?: string | undefined;
}>;

const REQUEST_TIMEOUT_MS = 30_000;
/** Assertions live one minute: enough for clock skew, short enough to be useless if intercepted. */
const ASSERTION_LIFETIME_SECONDS = 60;

/** The ledger did not answer (refused, reset, timed out). */
export class LedgerUnreachableError extends Error {
  override readonly name = 'LedgerUnreachableError';
}

/**
 * Sends one request with the given authentication headers.
 *
 * @example await send('http://127.0.0.1:3000', { method: 'GET', path: '/ready' }, {})
 */
export async function send(baseUrl: string, request: LedgerRequest, authentication: Readonly<Record<string, string>>): Promise<LedgerResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...authentication };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(new URL(request.path, baseUrl), {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    throw new LedgerUnreachableError(
      `no answer from the ledger at ${baseUrl}${cause}: is it running (npm start)? If it listens elsewhere, set LEDGER_URL (now ${process.env.LEDGER_URL ?? 'unset, so the default'}) or pass --url`,
    );
  }
  const text = await response.text();
  return { status: response.status, statusText: response.statusText, headers: response.headers, text, json: parseJson(text) };
}

/**
 * Sends a request signed by the partner (X-Client-Id, X-Timestamp, X-Nonce, X-Signature).
 *
 * @example await sendAsPartner(url, partner, { method: 'POST', path: '/v1/merchants', body, idempotencyKey: newIdempotencyKey() })
 */
export function sendAsPartner(baseUrl: string, partner: PartnerCredentials, request: LedgerRequest): Promise<LedgerResponse> {
  const signature = signPartnerRequest({
    secret: partner.secret,
    clientId: partner.clientPartnerId,
    method: request.method,
    pathWithQuery: request.path,
    body: request.body,
    timestamp: Math.floor(Date.now() / 1000),
    nonce: randomNonce(),
  });
  return send(baseUrl, request, signature);
}

/**
 * A compact ES256 assertion proving possession of the terminal's key (single-use `jti`).
 *
 * @example const assertion = await signTerminalAssertion(terminal, new Date());
 */
export async function signTerminalAssertion(terminal: TerminalCredentials, now: Date): Promise<string> {
  const key = await importPKCS8(terminal.privateKeyPem, 'ES256');
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .setIssuer(terminal.terminalId)
    .setSubject(terminal.terminalId)
    .setAudience(LEDGER_ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ASSERTION_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(key);
}

export type TerminalToken = Readonly<{ accessToken: string; expiresAtMs: number }>;

/**
 * Trades a fresh assertion for a 120-second access token (`POST /v1/terminal_tokens`).
 *
 * @example const { accessToken } = await obtainTerminalToken(url, terminal);
 */
export async function obtainTerminalToken(baseUrl: string, terminal: TerminalCredentials): Promise<TerminalToken> {
  const requestedAtMs = Date.now();
  const assertion = await signTerminalAssertion(terminal, new Date(requestedAtMs));
  const body = JSON.stringify({ terminal_id: terminal.terminalId, assertion });
  const response = await send(baseUrl, { method: 'POST', path: '/v1/terminal_tokens', body }, {});
  const json = response.json;
  if (response.status !== 200 || !isTokenResponse(json)) {
    throw new LedgerRequestError(`terminal token for ${terminal.terminalId}`, response);
  }
  return { accessToken: json.access_token, expiresAtMs: requestedAtMs + json.expires_in * 1000 };
}

/**
 * Sends a request as the terminal: a token first, then `Authorization: Bearer`.
 *
 * @example await sendAsTerminal(url, terminal, { method: 'GET', path: '/v1/payment_intents/pi_01…' })
 */
export async function sendAsTerminal(baseUrl: string, terminal: TerminalCredentials, request: LedgerRequest): Promise<LedgerResponse> {
  const token = await obtainTerminalToken(baseUrl, terminal);
  return send(baseUrl, request, { authorization: `Bearer ${token.accessToken}` });
}

/** A fresh Idempotency-Key. @example newIdempotencyKey() // 'cli-1b4e28ba-2fa1-41d2-883f-0016d3cca427' */
export function newIdempotencyKey(prefix = 'cli'): string {
  return `${prefix}-${randomUUID()}`;
}

/** An answer that was not the expected success, with the problem's code when there is one. */
export class LedgerRequestError extends Error {
  override readonly name = 'LedgerRequestError';
  readonly status: number;
  readonly code: string | undefined;
  constructor(what: string, response: LedgerResponse) {
    const code = problemCode(response.json);
    super(`${what}: HTTP ${response.status}${code === undefined ? '' : ` ${code}`}: ${response.text.slice(0, 500)}`);
    this.status = response.status;
    this.code = code;
  }
}

/**
 * The JSON body of a successful answer, or a `LedgerRequestError`.
 *
 * @example const merchant = expectSuccess('onboard merchant', await sendAsPartner(…));
 */
export function expectSuccess(what: string, response: LedgerResponse): Record<string, unknown> {
  const json = response.json;
  if (response.status < 200 || response.status > 299 || typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new LedgerRequestError(what, response);
  }
  return json as Record<string, unknown>;
}

function problemCode(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || !('code' in json)) return undefined;
  return typeof json.code === 'string' ? json.code : undefined;
}

function isTokenResponse(json: unknown): json is { access_token: string; expires_in: number } {
  return (
    typeof json === 'object' && json !== null && 'access_token' in json && typeof json.access_token === 'string' && 'expires_in' in json && typeof json.expires_in === 'number'
  );
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
