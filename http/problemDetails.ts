import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { domainProblem, storedEventLogFields, undecodableEventProblem } from './domainProblems.js';
import { ReadModelUnavailableError } from '../schemas/readModels/readModels.js';
import { isUndecodableEventError } from '../schemas/events/index.js';
import { problem, type Problem } from '../schemas/problem.js';
import { sendProblem } from './sendProblem.js';
import { ShedError } from './shedError.js';
import { databaseUnavailableProblem, markRetryable } from './unavailable.js';
import { isStoreUnavailable } from '../domain/eventStore/index.js';

export { sendProblem } from './sendProblem.js';

/** How long a client should wait before retrying a request refused during shutdown (another instance, or this one restarted). */
export const SHUTDOWN_RETRY_AFTER_SECONDS = 1;

export type ProblemHandlerOptions = Readonly<{
  /** False once shutdown has begun: new requests on open connections then get 503 `shutting_down` (default: always accepting). */
  accepting?: () => boolean;
}>;

/**
 * The last line of defence, for every route: schema violations answer 400 `validation_error`
 * with one entry per field (`body`, `body.amount`, `params.payment_intent_id`); domain refusals their
 * mapped problem; an unreachable database 503
 * `database_unavailable` with `Retry-After` and `X-Should-Retry: true`; unknown routes 404 `route_not_found`, a known path with another method 405
 * `method_not_allowed` with `Allow`; requests fastify itself rejects (bad JSON 400, too large 413,
 * not JSON 415) a specific problem; requests that arrive during shutdown 503 `shutting_down` with
 * `Retry-After` (fastify's own plain 503 is off: `return503OnClosing: false`); anything unexpected
 * 500 `internal_error` with the trace id — never a stack trace or a driver message.
 */
export function registerProblemHandlers(app: FastifyInstance, options: ProblemHandlerOptions = {}): void {
  const methodsByPath = registerRouteIndex(app);
  const bodyLimitBytes = app.initialConfig.bodyLimit ?? 1_048_576;
  const accepting = options.accepting ?? (() => true);
  app.addHook('onRequest', async (request, reply) => {
    if (accepting()) return;
    void reply.header('retry-after', String(SHUTDOWN_RETRY_AFTER_SECONDS)).header('connection', 'close');
    return sendProblem(
      reply,
      withRequestId(request, problem(503, 'shutting_down', 'Service Unavailable', 'this instance is shutting down; retry the request (it was not processed)')),
    );
  });
  app.setNotFoundHandler((request, reply) => {
    const allowed = methodsByPath(request.url.split('?')[0] ?? request.url);
    if (allowed.length > 0) {
      void reply.header('allow', allowed.join(', '));
      return sendProblem(
        reply,
        withRequestId(request, problem(405, 'method_not_allowed', 'Method Not Allowed', `${request.method} is not allowed on this path; allowed: ${allowed.join(', ')}`)),
      );
    }
    return sendProblem(reply, withRequestId(request, problem(404, 'route_not_found', 'Not Found', `no route ${request.method} ${request.url}`)));
  });
  app.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.map((issue) => ({ path: fieldPath(error.validationContext, issue.instancePath), message: issue.message ?? 'is invalid' }));
      return sendProblem(reply, { ...problem(400, 'validation_error', 'Bad Request', 'the request does not match the schema'), errors });
    }
    const refusal = domainProblem(error);
    if (refusal !== undefined) return sendProblem(reply, refusal);
    if (error instanceof ShedError) return sendProblem(reply, error.problem);
    if (isUndecodableEventError(error)) {
      request.log.error({ err: error, ...storedEventLogFields(error) }, 'stored event undecodable');
      return sendProblem(reply, undecodableEventProblem(error));
    }
    if (isStoreUnavailable(error)) {
      request.log.warn({ err: error }, 'request refused: database unavailable');
      return sendProblem(markRetryable(reply), databaseUnavailableProblem(request.id));
    }
    if (error instanceof ReadModelUnavailableError) {
      void reply.header('retry-after', '1');
      return sendProblem(reply, problem(503, 'read_model_unavailable', 'Service Unavailable', `${error.message} Retry shortly.`));
    }
    const statusCode = statusOf(error);
    if (statusCode >= 400 && statusCode < 500) return sendProblem(reply, withRequestId(request, clientErrorProblem(error, statusCode, request, bodyLimitBytes)));
    request.log.error({ err: error }, 'unhandled error');
    const traceId = reply.getHeader('trace-id');
    const body = problem(500, 'internal_error', 'Internal Server Error', 'an unexpected error occurred; quote the trace id when reporting it');
    return sendProblem(reply, typeof traceId === 'string' ? { ...body, instance: `urn:trace:${traceId}` } : body);
  });
}

/**
 * `body` + `/amount/0` → `body.amount.0`; the whole body (`''` or `/`) → `body`.
 *
 * @example fieldPath('body', '/') // 'body'
 */
export function fieldPath(context: string | undefined, instancePath: string): string {
  return [context ?? 'request', ...instancePath.split('/').filter((segment) => segment !== '')].join('.');
}

function withRequestId(request: FastifyRequest, body: Problem): Problem {
  return { ...body, request_id: request.id };
}

/**
 * Every route's methods by its URL pattern (`:param` matches one segment), collected as routes
 * are registered; answers the methods a concrete path allows (empty: no such path).
 */
function registerRouteIndex(app: FastifyInstance): (path: string) => readonly string[] {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const source = route.url
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    routes.push({ pattern: new RegExp(`^${source}/?$`), methods: methods.map(String) });
  });
  return (path) => [...new Set(routes.filter((route) => route.pattern.test(path)).flatMap((route) => route.methods))].sort();
}

function statusOf(error: unknown): number {
  return typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
}

/** fastify's own rejections (`FST_ERR_CTP_…`) as specific problems with stable lower-case codes. */
function clientErrorProblem(error: unknown, statusCode: number, request: FastifyRequest, bodyLimitBytes: number): Problem {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || statusCode === 413) {
    return problem(413, 'body_too_large', 'Content Too Large', `the request body is larger than ${bodyLimitBytes} bytes`);
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || statusCode === 415) {
    const given = request.headers['content-type'] ?? '(none)';
    return problem(415, 'unsupported_media_type', 'Unsupported Media Type', `send the body as application/json (Content-Type was ${given})`);
  }
  if (code.includes('JSON')) return problem(400, 'malformed_json', 'Bad Request', 'the request body is not valid JSON');
  return problem(statusCode, 'bad_request', titleOf(statusCode), 'the request could not be read');
}

function titleOf(statusCode: number): string {
  const titles: Readonly<Record<number, string>> = { 400: 'Bad Request', 404: 'Not Found', 408: 'Request Timeout', 411: 'Length Required', 431: 'Request Header Fields Too Large' };
  return titles[statusCode] ?? 'Bad Request';
}
