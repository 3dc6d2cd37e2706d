import type { FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { domainProblem, storedEventLogFields, undecodableEventProblem } from '../../command/http/domainProblems.js';
import { sendProblem } from '../../command/http/sendProblem.js';
import { ReadModelUnavailableError } from '../../query/readModels.js';
import { isUndecodableEventError } from '../../schemas/events/index.js';
import { problem } from '../../schemas/problem.js';

export { sendProblem } from '../../command/http/sendProblem.js';

/**
 * The last line of defence, for every route: schema violations answer 400 `validation_error`
 * with one entry per field; domain refusals their mapped problem; unknown routes 404
 * `route_not_found`; requests fastify itself rejects (bad JSON, too large) 4xx with a code; anything
 * unexpected 500 `internal_error` with the trace id — never a stack trace or a driver message.
 */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problem(404, 'route_not_found', 'Not Found', `no route ${request.method} ${request.url}`)));
  app.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.map((issue) => ({
        path: `${error.validationContext ?? 'request'}${issue.instancePath.replaceAll('/', '.')}`,
        message: issue.message ?? 'is invalid',
      }));
      return sendProblem(reply, { ...problem(400, 'validation_error', 'Bad Request', 'the request does not match the schema'), errors });
    }
    const refusal = domainProblem(error);
    if (refusal !== undefined) return sendProblem(reply, refusal);
    if (isUndecodableEventError(error)) {
      request.log.error({ err: error, ...storedEventLogFields(error) }, 'stored event undecodable');
      return sendProblem(reply, undecodableEventProblem(error));
    }
    if (error instanceof ReadModelUnavailableError) {
      void reply.header('retry-after', '1');
      return sendProblem(reply, problem(503, 'read_model_unavailable', 'Service Unavailable', `${error.message} Retry shortly.`));
    }
    const statusCode = statusOf(error);
    if (statusCode >= 400 && statusCode < 500) {
      return sendProblem(reply, problem(statusCode, clientErrorCode(error), statusCode === 413 ? 'Content Too Large' : 'Bad Request', 'the request could not be read'));
    }
    request.log.error({ err: error }, 'unhandled error');
    const traceId = reply.getHeader('trace-id');
    const body = problem(500, 'internal_error', 'Internal Server Error', 'an unexpected error occurred; quote the trace id when reporting it');
    return sendProblem(reply, typeof traceId === 'string' ? { ...body, instance: `urn:trace:${traceId}` } : body);
  });
}

function statusOf(error: unknown): number {
  return typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
}

/** fastify's own codes (`FST_ERR_CTP_INVALID_JSON_BODY` …) as stable lower-case problem codes. */
function clientErrorCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (code.includes('JSON')) return 'malformed_json';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'body_too_large';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported_media_type';
  return 'bad_request';
}
