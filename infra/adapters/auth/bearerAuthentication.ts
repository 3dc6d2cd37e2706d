/**
 * Bearer tokens the ledger issued: a terminal access token (the terminal must still be active and
 * at the store the token names — checked against the cached Terminal state, so a deactivation bites
 * within the cache TTL even though the token lives 120 s) or a payment token (one intent).
 */
import type { FastifyRequest } from 'fastify';
import { refuse, type AuthOutcome } from '../../../http/authProblems.js';
import type { TenancyDirectory } from './tenancyDirectory.js';
import type { TokenService } from './tokens.js';

export type BearerAuthDependencies = Readonly<{ tokens: TokenService; directory: TenancyDirectory }>;

const BEARER_PATTERN = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/**
 * `Authorization: Bearer …` → the token; null when the header is absent, undefined when it is malformed.
 *
 * @example bearerToken(request) // 'eyJhbGciOi…' for 'Authorization: Bearer eyJhbGciOi…'
 */
export function bearerToken(request: FastifyRequest): string | undefined | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  return BEARER_PATTERN.exec(header)?.[1];
}

/**
 * @example const outcome = await authenticateBearer({ tokens, directory }, token); // { ok: true, principal: { kind: 'terminal', … } }
 */
export async function authenticateBearer(dependencies: BearerAuthDependencies, token: string): Promise<AuthOutcome> {
  const verified = await dependencies.tokens.verify(token);
  if (!verified.ok) {
    return verified.code === 'token_expired' ? refuse('token_expired', 'the token has expired; obtain a new one') : refuse('invalid_token', 'the bearer token is not valid');
  }
  const claims = verified.token;
  if (claims.kind === 'payment_token') {
    const { paymentIntentId, merchantId, clientPartnerId } = claims;
    return { ok: true, principal: { kind: 'payment_token', paymentIntentId, merchantId, clientPartnerId } };
  }
  const terminal = await dependencies.directory.terminal(claims.terminalId);
  if (terminal.status === 'unregistered') return refuse('invalid_token', 'the bearer token is not valid');
  if (terminal.status === 'deactivated') return refuse('terminal_deactivated', 'this terminal is deactivated');
  // A terminal moved to another store since the token was issued: its claims are stale.
  if (terminal.storeId !== claims.storeId) return refuse('invalid_token', 'the terminal changed store; obtain a new token');
  const { terminalId, storeId, merchantId, clientPartnerId } = claims;
  return { ok: true, principal: { kind: 'terminal', terminalId, storeId, merchantId, clientPartnerId } };
}
