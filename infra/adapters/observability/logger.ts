import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type LogFn, type Logger, type LevelWithSilent } from 'pino';

export const SERVICE_NAME = 'mpac-ledger';

/**
 * The process logger: JSON lines with `service` on every line and `trace_id` / `span_id` on
 * every line written while a span is active (ARCHITECTURE.md §10). fastify's per-request lines
 * keep one line per request only for a failure at `info` (`requestLineLevel`): the rest are debug.
 */
export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: SERVICE_NAME },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: activeSpanFields,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-signature"]'], remove: true },
    hooks: { logMethod: routeRequestLine },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

const INFO = 30;

/**
 * The level of one of fastify's per-request lines, logged at info on every request: "incoming
 * request" → debug; "request completed" → debug for a success (< 400), info for a 4xx (the refusal
 * the caller got, as before), error for a 5xx. Anything else: undefined (its own level). Writing a
 * line per successful request cost CPU on the command path; `LOG_LEVEL=debug` shows them again.
 */
export function requestLineLevel(args: readonly unknown[]): 'debug' | 'info' | 'error' | undefined {
  const [fields, message] = args;
  if (message === 'incoming request') return 'debug';
  if (message !== 'request completed') return undefined;
  const status = statusCodeOf(fields);
  return status === undefined || status < 400 ? 'debug' : status < 500 ? 'info' : 'error';
}

function statusCodeOf(fields: unknown): number | undefined {
  if (typeof fields !== 'object' || fields === null || !('res' in fields)) return undefined;
  const reply = fields.res;
  return typeof reply === 'object' && reply !== null && 'statusCode' in reply && typeof reply.statusCode === 'number' ? reply.statusCode : undefined;
}

/** pino's `logMethod` hook: info lines of fastify's request logging go out at `requestLineLevel`. */
function routeRequestLine(this: Logger, args: Parameters<LogFn>, method: LogFn, level: number): void {
  const routed = level === INFO ? requestLineLevel(args) : undefined;
  if (routed === undefined || routed === 'info') {
    method.apply(this, args);
    return;
  }
  if (this.isLevelEnabled(routed)) this[routed](...args);
}

function activeSpanFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
