/**
 * Authentication for every route (ARCHITECTURE.md §6). `registerAuthentication` installs, on the
 * instance it is given (call it on the root app, before any route):
 * - the JSON body parser that keeps the raw bytes the partner signature covers;
 * - an `onRoute` check: a `/v1` route that does not declare `config.auth` (or names an unknown
 *   mode) fails at start-up, not in production traffic;
 * - a `preValidation` hook, so authentication runs before schema validation and idempotency:
 *   it establishes `request.principal` (partner HMAC, bearer token, staff credential or the
 *   bootstrap operator secret) or answers a 401/403 problem; read-only staff roles (auditor, ops,
 *   merchant_reader) are refused every write, whatever the route declares (public routes too);
 * - `POST /v1/terminal_tokens`.
 *
 * Routes outside `/v1` that declare nothing (health, readiness, docs) and unknown URLs (404) are
 * left alone; a `/v1` route that somehow runs without a declaration is refused (fail closed).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_MODES, type AuthMode } from '../../../http/authConfig.js';
import type { StaffRole } from '../../../http/principal.js';
import { refuse, sendAuthProblem, type AuthOutcome } from '../../../http/authProblems.js';
import type { Authentication } from './authentication.js';
import { authenticateBearer, bearerToken } from './bearerAuthentication.js';
import { registerJsonBodyParser } from '../../../http/jsonBodyParser.js';
import { authenticatePartner, hasPartnerHeaders } from './partnerAuthentication.js';
import { registerTerminalTokenRoute } from './terminalTokenRoute.js';
import {
  authenticateOperatorSecret,
  checkStaffDeclaration,
  isStaffToken,
  logStaffUse,
  operatorSecretHeader,
  presentsStaffCredentials,
  SAFE_METHODS,
} from './staffAuthentication.js';

const API_PREFIX = '/v1/';

const isApiPath = (url: string): boolean => url.startsWith(API_PREFIX);

/**
 * @example
 * const authentication = createAuthentication({ client, store, now: () => new Date(), newUuid, masterKeyHex: undefined, operatorSecret });
 * registerAuthentication(app, authentication); // then register the routes
 */
export function registerAuthentication(app: FastifyInstance, authentication: Authentication): void {
  registerJsonBodyParser(app);
  app.addHook('onRoute', (route) => {
    const modes = route.config?.auth;
    if (modes === undefined) {
      if (isApiPath(route.url)) throw new Error(`route ${String(route.method)} ${route.url} declares no config.auth`);
      return;
    }
    const unknown = modes.filter((mode) => !AUTH_MODES.includes(mode));
    if (unknown.length > 0) throw new Error(`route ${route.url} names unknown auth modes ${unknown.join(', ')}`);
    checkStaffDeclaration(route);
  });
  app.addHook('preValidation', async (request, reply) => {
    if (request.is404) return;
    const { auth: modes, staff = [] } = request.routeOptions.config;
    let presented: AuthOutcome | undefined;
    // Read-only staff never write, whatever the route declares: a route cannot forget it.
    if (!SAFE_METHODS.has(request.method) && presentsStaffCredentials(request)) {
      const outcome = await authenticate(authentication, request);
      if (outcome === 'none') return sendAuthProblem(reply, { code: 'authentication_required', detail: 'send a staff credential' });
      if (!outcome.ok) return sendAuthProblem(reply, outcome.failure);
      const { principal } = outcome;
      if (principal.kind === 'staff' && principal.role !== 'operator') {
        return sendAuthProblem(reply, { code: 'read_only_role', detail: `role ${principal.role} is read-only: it may not call ${request.method} routes` });
      }
      presented = outcome;
    }
    if (modes === undefined) {
      if (!isApiPath(request.url)) return;
      return sendAuthProblem(reply, { code: 'forbidden', detail: 'this route is not open to any caller' });
    }
    return authorize(authentication, request, reply, { modes, staff, presented });
  });
  registerTerminalTokenRoute(app, authentication);
}

type Declaration = Readonly<{ modes: readonly AuthMode[]; staff: readonly StaffRole[]; presented: AuthOutcome | undefined }>;

const credentialsHint = (declaration: Declaration, operatorSecretConfigured: boolean): string => {
  const staff = 'a staff credential (Authorization: Bearer stf_…)';
  const secret = operatorSecretConfigured ? ' or X-Operator-Secret' : ' (X-Operator-Secret is disabled on this ledger: set LEDGER_OPERATOR_SECRET to enable it)';
  if (declaration.modes.length === 0) return `send ${staff}${declaration.staff.includes('operator') ? secret : ''}`;
  return `sign the request (X-Client-Id, X-Timestamp, X-Nonce, X-Signature) or send Authorization: Bearer${declaration.staff.length > 0 ? ` (or ${staff})` : ''}`;
};

async function authorize(authentication: Authentication, request: FastifyRequest, reply: FastifyReply, declaration: Declaration): Promise<FastifyReply | undefined> {
  const { modes, staff } = declaration;
  const isPublic = modes.includes('public');
  // A public-only route ignores credentials (a terminal may call /v1/terminal_tokens with an old token).
  if (isPublic && staff.length === 0 && modes.every((mode) => mode === 'public')) return undefined;
  const outcome = declaration.presented ?? (await authenticate(authentication, request));
  if (outcome === 'none') {
    if (isPublic) return undefined;
    return sendAuthProblem(reply, { code: 'authentication_required', detail: credentialsHint(declaration, authentication.operatorSecret !== undefined) });
  }
  if (!outcome.ok) return sendAuthProblem(reply, outcome.failure);
  const { principal } = outcome;
  if (principal.kind === 'staff') {
    if (!staff.includes(principal.role)) return sendAuthProblem(reply, { code: 'forbidden', detail: `this route is not open to role ${principal.role}` });
    logStaffUse(request, principal);
  } else if (!modes.includes(principal.kind)) {
    return sendAuthProblem(reply, { code: 'forbidden', detail: `this route is not open to ${principal.kind.replace('_', ' ')} credentials` });
  }
  request.principal = principal;
  return undefined;
}

/** The one scheme the request uses, verified; `none` when it sends no credentials at all. */
async function authenticate(authentication: Authentication, request: FastifyRequest): Promise<AuthOutcome | 'none'> {
  const token = bearerToken(request);
  const signed = hasPartnerHeaders(request);
  const operatorSecret = operatorSecretHeader(request);
  const schemes = [token !== null, signed, operatorSecret !== null].filter(Boolean).length;
  if (schemes > 1) return refuse('authentication_required', 'send one of a partner signature, a bearer token or X-Operator-Secret, not several');
  if (operatorSecret !== null) return authenticateOperatorSecret(authentication.operatorSecret, operatorSecret);
  if (signed) return authenticatePartner(authentication, request);
  if (token === null) return 'none';
  if (token === undefined) return refuse('invalid_token', 'Authorization must be "Bearer <token>"');
  if (isStaffToken(token)) return authentication.staff.authenticate(token);
  return authenticateBearer(authentication, token);
}
