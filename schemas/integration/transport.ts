/**
 * How the payment integration events travel on Kafka (docs/integration-events.md): one topic for
 * every payment event type, so a consumer sees one intent's events in order (completed before
 * refunded); key = payment intent id; a JSON body; these headers on every message.
 */
import type { PaymentIntegrationEvent } from './paymentEvents.js';

/** The topic of every `payment.*` event. The `.v1` is the topic's envelope generation, not an event version. */
export const PAYMENTS_TOPIC = 'mpac.payments.v1';

export const CONTENT_TYPE_JSON = 'application/json';

/** Header names (lower-case, ASCII values). */
export const integrationHeaderNames = Object.freeze({
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  traceparent: 'traceparent',
  contentType: 'content-type',
} as const);

export type IntegrationHeaders = Readonly<Record<string, string>>;

/** One message to publish: key = payment intent id, the body, and the contract's headers. */
export type OutgoingIntegrationEvent = Readonly<{
  key: string;
  event: PaymentIntegrationEvent;
  headers: IntegrationHeaders;
}>;

/**
 * The headers of one message. `traceparent` is the W3C trace context of the request that caused
 * the fact (from the domain event's metadata) and is omitted when there was none; the relay
 * replaces it with its send span's context, a child in the same trace (infra/runtime/relay/relayTracing.ts).
 */
export function integrationHeaders(event: PaymentIntegrationEvent, traceparent: string | null): IntegrationHeaders {
  return {
    [integrationHeaderNames.eventId]: event.id,
    [integrationHeaderNames.eventType]: event.type,
    [integrationHeaderNames.schemaVersion]: String(event.schema_version),
    [integrationHeaderNames.contentType]: CONTENT_TYPE_JSON,
    ...(traceparent === null ? {} : { [integrationHeaderNames.traceparent]: traceparent }),
  };
}
