/**
 * The span of one projector batch, continuing the trace of the events it applies: the parent is
 * the first event's `traceparent` (event metadata), the other events' traces are links (at most
 * 32), so each request's trace reaches the read model that shows its effect.
 */
import { ROOT_CONTEXT, SpanStatusCode, propagation, trace, type Link, type SpanContext } from '@opentelemetry/api';
import type { RecordedEvent } from '../../../domain/eventStore/index.js';

const LINKS_MAX = 32;

function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  if (traceparent === undefined) return undefined;
  return trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent }));
}

export async function inBatchSpan<T>(projection: string, generation: number, events: readonly RecordedEvent[], work: () => Promise<T>): Promise<T> {
  const contexts: SpanContext[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    const spanContext = spanContextOf(event.metadata.traceparent);
    if (spanContext === undefined || seen.has(spanContext.spanId)) continue;
    seen.add(spanContext.spanId);
    contexts.push(spanContext);
    if (contexts.length > LINKS_MAX) break;
  }
  const [first, ...others] = contexts;
  const parent = first === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, first);
  const links: Link[] = others.map((spanContext) => ({ context: spanContext }));
  const span = trace
    .getTracer('mpac-ledger')
    .startSpan(
      `projection ${projection} batch`,
      { attributes: { 'ledger.projection': projection, 'ledger.projection.generation': generation, 'ledger.projection.batch_events': events.length }, links },
      parent,
    );
  try {
    return await work();
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
    throw error;
  } finally {
    span.end();
  }
}
