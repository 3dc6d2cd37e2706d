import { context as otelContext, propagation } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import type { EventMetadata } from '../domain/eventStore/index.js';
import type { IdempotencyKeyRef } from '../domain/idempotency/index.js';
import { actorOf, type Principal } from './principal.js';

/**
 * The metadata of every event a request appends (the one definition): correlation (the request
 * id), causation and idempotency key (the `Idempotency-Key`, when the request sent one), the W3C
 * `traceparent` of the active span, and the actor.
 *
 * @example executeCommand(context, { …, metadata: eventMetadata(request, principal, key) });
 */
export function eventMetadata(request: FastifyRequest, principal: Principal, key: IdempotencyKeyRef | undefined): EventMetadata {
  const carrier: Record<string, string> = {};
  propagation.inject(otelContext.active(), carrier);
  const traceparent = carrier.traceparent;
  return {
    correlationId: request.id,
    actor: actorOf(principal),
    ...(key === undefined ? {} : { causationId: key.key, idempotencyKey: key.key }),
    ...(traceparent === undefined ? {} : { traceparent }),
  };
}
