/**
 * The part of the log the payment read models read (payment intents, journal, sales, settlement,
 * provider tasks), and how they read it once instead of once each:
 *
 * - `PAYMENT_LOG_FILTER` is the one filter they all declare: the PaymentIntent streams, the tenancy
 *   streams (store schedules, provider fees) and the settlement batch closes. The runtime reads a
 *   page of the log for one filter once and hands the same events to every projection at that place
 *   of the log (infra/runtime/projections/catchUpPacer.ts), so rebuilding them together scans,
 *   sends and parses the log once. Each projector skips what it has no rule for, by stream or type,
 *   before decoding: a projection never decodes an event it would have ignored.
 * - `paymentIntentEventOf` decodes a PaymentIntent event through its codec once per stored event
 *   (the events of a shared page are the same objects for every projection), and throws
 *   `UndecodableEventError` for every caller of an event it cannot read — each projection parks it.
 *   Decoding is pure, and nothing downstream mutates a decoded event (all readonly), so sharing
 *   the result changes nothing but the cost.
 */
import type { EventFilter, RecordedEvent } from '../../domain/eventStore/index.js';
import { PAYMENT_INTENT_STREAM_PREFIX, type PaymentIntentEvent } from '../../domain/paymentIntent/index.js';
import { paymentIntentCodec, settlementBatchCodec } from '../../schemas/events/index.js';
import { TENANCY_REFERENCE_STREAM_PREFIXES } from '../tenancyReference/index.js';

export const PAYMENT_LOG_FILTER: EventFilter = Object.freeze({
  streamPrefixes: Object.freeze([PAYMENT_INTENT_STREAM_PREFIX, ...TENANCY_REFERENCE_STREAM_PREFIXES, settlementBatchCodec.streamPrefix]),
});

const decoded = new WeakMap<RecordedEvent, PaymentIntentEvent>();

/** The domain event of a PaymentIntent stream's stored event (decoded once), or undefined for another stream. */
export function paymentIntentEventOf(recorded: RecordedEvent): PaymentIntentEvent | undefined {
  if (!paymentIntentCodec.owns(recorded.stream)) return undefined;
  const known = decoded.get(recorded);
  if (known !== undefined) return known;
  const event = paymentIntentCodec.decode(recorded);
  decoded.set(recorded, event);
  return event;
}
