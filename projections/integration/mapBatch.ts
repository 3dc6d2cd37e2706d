import type { RecordedEvent } from '../../domain/eventStore/index.js';
import { PAYMENT_INTENT_STREAM_PREFIX, paymentIntentIdOfStream } from '../../domain/paymentIntent/index.js';
import { paymentIntentEventOf } from '../runtime/paymentLog.js';
import type { IntentContext } from './intentContext.js';
import { evolveIntentContext } from './intentContext.js';
import type { OutgoingIntegrationEvent, SourceEvent } from './mapPaymentIntentEvent.js';
import { mapPaymentIntentEvent } from './mapPaymentIntentEvent.js';

/**
 * The mapping's view of a stored event, or undefined for an event of another stream family.
 * Decoded through the PaymentIntent codec: an event it cannot read (unknown type or schema version,
 * malformed payload) throws `UndecodableEventError` — a relay must stop there, not drop the fact.
 */
export function toSourceEvent(recorded: RecordedEvent): SourceEvent | undefined {
  const event = paymentIntentEventOf(recorded);
  return event === undefined ? undefined : { id: recorded.id, event, traceparent: recorded.metadata.traceparent ?? null };
}

export type MappedBatch = Readonly<{
  outgoing: readonly OutgoingIntegrationEvent[];
  /** Context after the batch of every intent the batch touched, by payment intent id. */
  contexts: ReadonlyMap<string, IntentContext>;
}>;

/**
 * Maps a batch in log order, threading each intent's context through its events (several events
 * of one intent may share a batch). `contexts` holds the context before the batch of every intent
 * whose first event here is not its creation.
 */
export function mapBatch(sources: readonly SourceEvent[], contexts: ReadonlyMap<string, IntentContext>): MappedBatch {
  const after = new Map<string, IntentContext>();
  const outgoing: OutgoingIntegrationEvent[] = [];
  for (const source of sources) {
    const id = source.event.data.paymentIntentId;
    const mapped = mapPaymentIntentEvent(source, after.get(id) ?? contexts.get(id));
    after.set(id, mapped.context);
    for (const message of mapped.outgoing) outgoing.push(message);
  }
  return { outgoing, contexts: after };
}

/**
 * The intents of a batch whose context must be loaded before mapping it: those whose first event
 * in the batch is not `PaymentIntentCreated`, with that event's stream revision.
 */
export function intentsNeedingContext(batch: readonly RecordedEvent[]): ReadonlyMap<string, number> {
  const firstSeen = new Map<string, number>();
  const needed = new Map<string, number>();
  for (const recorded of batch) {
    if (!recorded.stream.startsWith(PAYMENT_INTENT_STREAM_PREFIX)) continue;
    const id = paymentIntentIdOfStream(recorded.stream);
    if (firstSeen.has(id)) continue;
    firstSeen.set(id, recorded.revision);
    if (recorded.type !== 'PaymentIntentCreated') needed.set(id, recorded.revision);
  }
  return needed;
}

/**
 * The context after an intent's earlier events (its stream from revision 0), for an intent the
 * relay has no stored context for (e.g. it started from a later checkpoint). Undefined for none.
 */
export function foldIntentContext(history: readonly RecordedEvent[]): IntentContext | undefined {
  let context: IntentContext | undefined;
  for (const recorded of history) {
    const source = toSourceEvent(recorded);
    if (source !== undefined) context = evolveIntentContext(context, source.event);
  }
  return context;
}
