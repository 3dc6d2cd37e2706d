/**
 * Who may see the ops surface (/metrics, /ops, /v1/ops/*): staff roles, checked by the routes
 * themselves (they are outside the partner/terminal authentication). `ops` reads status and
 * metrics; `operator` also acts (rebuild, retry, skip). Today the one credential is the operator
 * secret, sent as `X-Operator-Secret` or `Authorization: Bearer` (what Prometheus sends).
 */
import type { FastifyRequest } from 'fastify';
import { operatorSecretMatcher } from './operatorRoutes.js';
import { problem, type Problem } from '../../../schemas/problem.js';

export type StaffRole = 'operator' | 'ops';

/** The caller's staff role, or undefined (no or wrong credential). */
export type StaffAuthenticator = (request: FastifyRequest) => Promise<StaffRole | undefined>;

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function staffAuthenticator(operatorSecret: string | undefined): StaffAuthenticator {
  const matches = operatorSecretMatcher(operatorSecret);
  return (request) => {
    const header = request.headers['x-operator-secret'];
    const presented = bearer(request) ?? (typeof header === 'string' ? header : undefined);
    return Promise.resolve(matches(presented) ? 'operator' : undefined);
  };
}

export const staffRequired = (): Problem =>
  problem(401, 'staff_credential_required', 'Unauthorized', 'this route needs an ops or operator credential (X-Operator-Secret or Authorization: Bearer)');

export const operatorRoleRequired = (): Problem => problem(403, 'operator_role_required', 'Forbidden', 'this action needs the operator role; the ops role is read-only');
