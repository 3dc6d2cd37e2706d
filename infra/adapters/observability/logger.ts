import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export const SERVICE_NAME = 'mpac-ledger';

/**
 * The process logger: JSON lines with `service` on every line and `trace_id` / `span_id` on
 * every line written while a span is active (ARCHITECTURE.md §10).
 */
export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: SERVICE_NAME },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: activeSpanFields,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-signature"]'], remove: true },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

function activeSpanFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
