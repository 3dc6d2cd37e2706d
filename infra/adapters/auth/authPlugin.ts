/**
 * Authentication for every route (ARCHITECTURE.md §6). `registerAuthentication` installs, on the
 * instance it is given (call it on the root app, before any route):
 * - the JSON body parser that keeps the raw bytes the partner signature covers;
 * - an `onRoute` check: a `/v1` route that does not declare `config.auth` (or names an unknown
 *   mode) fails at start-up, not in production traffic;
 * - a `preValidation` hook, so authentication runs before schema validation and idempotency:
 *   it establishes `request.principal` (partner HMAC or bearer token) or answers a 401/403 problem;
 * - `POST /v1/terminal_tokens`.
 *
 * Routes outside `/v1` that declare nothing (health, readiness, docs) and unknown URLs (404) are
 * left alone; a `/v1` route that somehow runs without a declaration is refused (fail closed).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_MODES, type AuthMode } from '../../../http/authConfig.js';
import { refuse, sendAuthProblem, type AuthOutcome } from '../../../http/authProblems.js';
import type { Authentication } from './authentication.js';
import { authenticateBearer, bearerToken } from './bearerAuthentication.js';
import { registerJsonBodyParser } from '../../../http/jsonBodyParser.js';
import { authenticatePartner, hasPartnerHeaders } from './partnerAuthentication.js';
import { registerTerminalTokenRoute } from './terminalTokenRoute.js';

const API_PREFIX = '/v1/';

const isApiPath = (url: string): boolean => url.startsWith(API_PREFIX);

/**
 * @example
 * const authentication = createAuthentication({ client, store, now: () => new Date(), newUuid, masterKeyHex: undefined });
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
  });
  app.addHook('preValidation', async (request, reply) => {
    const modes = request.routeOptions.config.auth;
    if (modes === undefined) {
      if (request.is404 || !isApiPath(request.url)) return;
      return sendAuthProblem(reply, { code: 'forbidden', detail: 'this route is not open to any caller' });
    }
    return authorize(authentication, request, reply, modes);
  });
  registerTerminalTokenRoute(app, authentication);
}

async function authorize(
  authentication: Authentication,
  request: FastifyRequest,
  reply: FastifyReply,
  modes: readonly AuthMode[],
): Promise<FastifyReply | undefined> {
  const isPublic = modes.includes('public');
  // A public-only route ignores credentials (a terminal may call /v1/terminal_tokens with an old token).
  if (isPublic && modes.every((mode) => mode === 'public')) return undefined;
  const outcome = await authenticate(authentication, request);
  if (outcome === 'none') {
    if (isPublic) return undefined;
    return sendAuthProblem(reply, { code: 'authentication_required', detail: 'sign the request (X-Client-Id, X-Timestamp, X-Nonce, X-Signature) or send Authorization: Bearer' });
  }
  if (!outcome.ok) return sendAuthProblem(reply, outcome.failure);
  const { principal } = outcome;
  if (!modes.includes(principal.kind)) {
    return sendAuthProblem(reply, { code: 'forbidden', detail: `this route is not open to ${principal.kind.replace('_', ' ')} credentials` });
  }
  request.principal = principal;
  return undefined;
}

/** The one scheme the request uses, verified; `none` when it sends no credentials at all. */
async function authenticate(authentication: Authentication, request: FastifyRequest): Promise<AuthOutcome | 'none'> {
  const token = bearerToken(request);
  const signed = hasPartnerHeaders(request);
  if (token !== null && signed) return refuse('authentication_required', 'send either a partner signature or a bearer token, not both');
  if (signed) return authenticatePartner(authentication, request);
  if (token === null) return 'none';
  if (token === undefined) return refuse('invalid_token', 'Authorization must be "Bearer <token>"');
  return authenticateBearer(authentication, token);
}
