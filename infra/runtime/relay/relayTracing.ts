/**
 * The relay's `send` spans: one PRODUCER span per message whose domain event carried a
 * `traceparent`, a child of the request that caused the event, so one trace runs from the HTTP
 * request through the append to the Kafka send. The message's `traceparent` header is replaced by
 * the send span's context, so a consumer's spans continue the same trace under the send.
 */
import { SpanKind, SpanStatusCode, context, propagation, trace, type Span } from '@opentelemetry/api';
import type { OutgoingIntegrationEvent } from '../../../projections/integration/index.js';

export type TracedSend = Readonly<{
  messages: readonly OutgoingIntegrationEvent[];
  /** Ends every span: OK, or ERROR with the failure's name. */
  end: (error?: unknown) => void;
}>;

export function startSendSpans(messages: readonly OutgoingIntegrationEvent[], topic: string): TracedSend {
  const tracer = trace.getTracer('mpac-ledger');
  const spans: Span[] = [];
  const traced = messages.map((message) => {
    const traceparent = message.headers.traceparent;
    if (traceparent === undefined) return message;
    const parent = propagation.extract(context.active(), { traceparent });
    const span = tracer.startSpan(
      `${topic} send`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.destination.name': topic,
          'messaging.kafka.message.key': message.key,
          'messaging.message.id': message.event.id,
          'ledger.relay.batch_messages': messages.length,
        },
      },
      parent,
    );
    spans.push(span);
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(parent, span), carrier);
    return { ...message, headers: { ...message.headers, ...carrier } };
  });
  return {
    messages: traced,
    end(error) {
      for (const span of spans) {
        if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
        span.end();
      }
    },
  };
}
