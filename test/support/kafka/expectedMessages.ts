/** What the relay must have published for a stretch of the log, computed independently of the relay. */
import type { EventStore, LogPosition, RecordedEvent } from '../../../domain/eventStore/index.js';
import type { OutgoingIntegrationEvent, SourceEvent } from '../../../projections/integration/index.js';
import { PAYMENT_INTENT_STREAM_PREFIX } from '../../../domain/paymentIntent/index.js';
import { mapBatch, toSourceEvent } from '../../../projections/integration/index.js';
import type { ReceivedMessage } from './kafkaTestKit.js';

/** Every PaymentIntent event after `from`, in log order. */
export async function paymentEventsAfter(store: EventStore, from: LogPosition): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let position = from;
  for (;;) {
    const read = await store.readAll({ from: position, maxCount: 5_000, filter: { streamPrefixes: [PAYMENT_INTENT_STREAM_PREFIX] } });
    events.push(...read.events);
    if (read.checkpoint.commit === position.commit && read.checkpoint.prepare === position.prepare) return events;
    position = read.checkpoint;
  }
}

/**
 * The integration messages of every intent CREATED after `from` (their whole streams are in the
 * range, so no stored context is needed), in log order.
 */
export async function expectedMessagesAfter(store: EventStore, from: LogPosition): Promise<readonly OutgoingIntegrationEvent[]> {
  const sources = (await paymentEventsAfter(store, from)).map(toSourceEvent).filter((source): source is SourceEvent => source !== undefined);
  return mapBatch(sources, new Map()).outgoing;
}

/** The received messages with each event id kept once (its first arrival): what a deduplicating consumer processes. */
export function dedupeById(messages: readonly ReceivedMessage[]): ReceivedMessage[] {
  const seen = new Set<string>();
  return messages.filter((message) => {
    const id = message.headers['event-id'] ?? '';
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Event ids by key, in order. */
export function idsByKey(messages: readonly { key: string | null; id: string }[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const message of messages) {
    const key = message.key ?? '';
    const list = byKey.get(key) ?? [];
    list.push(message.id);
    byKey.set(key, list);
  }
  return byKey;
}
