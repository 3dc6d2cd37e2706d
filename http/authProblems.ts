/**
 * The refusals of authentication: a closed set of stable codes, each with its status. 401 means
 * "who are you?" (no, bad or stale credentials); 403 means "we know who you are, and no". Details
 * say what to fix without revealing internals (never a key, a stored digest or a driver message).
 */
import type { FastifyReply } from 'fastify';
import type { Principal } from './principal.js';
import { problem } from '../schemas/problem.js';

export type AuthProblemCode =
  | 'authentication_required'
  | 'invalid_signature'
  | 'stale_timestamp'
  | 'replayed_nonce'
  | 'unknown_client'
  | 'client_suspended'
  | 'invalid_token'
  | 'token_expired'
  | 'terminal_deactivated'
  | 'invalid_operator_secret'
  | 'operator_access_disabled'
  | 'credential_revoked'
  | 'read_only_role'
  | 'forbidden';

const STATUS: Record<AuthProblemCode, 401 | 403> = {
  authentication_required: 401,
  invalid_signature: 401,
  stale_timestamp: 401,
  replayed_nonce: 401,
  unknown_client: 401,
  client_suspended: 403,
  invalid_token: 401,
  token_expired: 401,
  terminal_deactivated: 403,
  invalid_operator_secret: 401,
  operator_access_disabled: 401,
  credential_revoked: 401,
  read_only_role: 403,
  forbidden: 403,
};

export type AuthFailure = Readonly<{ code: AuthProblemCode; detail: string }>;

export type AuthOutcome = Readonly<{ ok: true; principal: Principal }> | Readonly<{ ok: false; failure: AuthFailure }>;

/** @example return refuse('stale_timestamp', 'X-Timestamp must be within 300 s of the ledger clock'); */
export const refuse = (code: AuthProblemCode, detail: string): Readonly<{ ok: false; failure: AuthFailure }> => ({
  ok: false,
  failure: { code, detail },
});

/**
 * Sends the problem of a refusal (`application/problem+json`); a 401 also names the accepted
 * schemes in `WWW-Authenticate` (RFC 9110 §11.6.1).
 *
 * @example return sendAuthProblem(reply, { code: 'forbidden', detail: 'this route is not open to terminals' });
 */
export function sendAuthProblem(reply: FastifyReply, failure: AuthFailure): FastifyReply {
  const status = STATUS[failure.code];
  if (status === 401) void reply.header('www-authenticate', 'MPAC-HMAC-SHA256 realm="mpac-ledger", Bearer realm="mpac-ledger"');
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('application/problem+json')
    .send(problem(status, failure.code, status === 401 ? 'Unauthorized' : 'Forbidden', failure.detail));
}
