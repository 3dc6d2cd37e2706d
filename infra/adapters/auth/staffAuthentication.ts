/**
 * The staff side of the auth hook: the bootstrap operator secret (`X-Operator-Secret`, role
 * operator), the staff bearer credential (`stf_…`, infra/adapters/auth/staffCredentials.ts), the
 * start-up check of a route's staff roles, and the log line of every staff use.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, RouteOptions } from 'fastify';
import { refuse, type AuthOutcome } from '../../../http/authProblems.js';
import { READ_ONLY_STAFF_ROLES, STAFF_ROLES, type StaffPrincipal } from '../../../http/principal.js';
import { STAFF_TOKEN_PREFIX } from './staffCredentials.js';

export const OPERATOR_SECRET_HEADER = 'x-operator-secret';
/** The credential id recorded (logs, event actor) for requests made with the bootstrap operator secret. */
export const OPERATOR_SECRET_CREDENTIAL_ID = 'operator_secret';
/** Methods that change nothing: the only ones read-only staff roles may call. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The `X-Operator-Secret` header: absent, or its one value (a repeated header is malformed). */
export function operatorSecretHeader(request: FastifyRequest): string | undefined | null {
  const value = request.headers[OPERATOR_SECRET_HEADER];
  if (value === undefined) return null;
  return typeof value === 'string' ? value : undefined;
}

/** Whether the request presents staff credentials (a `stf_` bearer or the operator secret). */
export function presentsStaffCredentials(request: FastifyRequest): boolean {
  const header = request.headers.authorization;
  return operatorSecretHeader(request) !== null || (header !== undefined && /^Bearer +stf_/i.test(header));
}

/**
 * Checks the bootstrap operator secret in constant time.
 *
 * @example authenticateOperatorSecret(process.env.LEDGER_OPERATOR_SECRET, 'given') // { ok: false, failure: { code: 'invalid_operator_secret', … } }
 */
export function authenticateOperatorSecret(expected: string | undefined, given: string | undefined): AuthOutcome {
  if (expected === undefined) {
    return refuse(
      'operator_access_disabled',
      'operator access by X-Operator-Secret is disabled on this ledger: set LEDGER_OPERATOR_SECRET (32–200 characters) in its environment and restart it, or use a staff credential with role operator',
    );
  }
  if (given === undefined || !timingSafeEqual(digest(expected), digest(given))) return refuse('invalid_operator_secret', 'the operator secret is not valid');
  const principal: StaffPrincipal = { kind: 'staff', credentialId: OPERATOR_SECRET_CREDENTIAL_ID, name: 'bootstrap operator secret', role: 'operator' };
  return { ok: true, principal };
}

/** Whether a bearer token is a staff credential rather than a ledger-issued JWT. */
export const isStaffToken = (token: string): boolean => token.startsWith(STAFF_TOKEN_PREFIX);

/**
 * Fails start-up for a route whose staff roles are unknown, or that admits a read-only role on a
 * method that writes.
 */
export function checkStaffDeclaration(route: RouteOptions): void {
  const roles = route.config?.staff ?? [];
  const unknown = roles.filter((role) => !STAFF_ROLES.includes(role));
  if (unknown.length > 0) throw new Error(`route ${route.url} names unknown staff roles ${unknown.join(', ')}`);
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const writes = methods.filter((method) => !SAFE_METHODS.has(method));
  const readOnly = roles.filter((role) => READ_ONLY_STAFF_ROLES.includes(role));
  if (writes.length > 0 && readOnly.length > 0) throw new Error(`route ${writes.join(',')} ${route.url} admits read-only staff roles ${readOnly.join(', ')}`);
}

/** One line per staff request: who (credential id, name, role) and what (method, route). */
export function logStaffUse(request: FastifyRequest, principal: StaffPrincipal): void {
  request.log.info(
    { staff_credential_id: principal.credentialId, staff_name: principal.name, staff_role: principal.role, method: request.method, route: request.routeOptions.url },
    'staff credential used',
  );
}
