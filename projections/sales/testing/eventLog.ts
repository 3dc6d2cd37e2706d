/**
 * Builds a log for projector specs: PaymentIntent events (their stream is named from the intent)
 * and tenancy or batch events given with their stream, recorded in the order given.
 */
import type { RecordedEvent } from '../../../domain/eventStore/index.js';
import type { PaymentIntentEvent } from '../../../domain/paymentIntent/index.js';
import { toPaymentIntentStreamName } from '../../../domain/paymentIntent/index.js';
import { recorded } from '../../../test/support/projectionSandbox.js';

export type LogItem = PaymentIntentEvent | Readonly<{ stream: string; event: Readonly<{ type: string; data: object }> }>;

export function eventLog(items: readonly LogItem[]): RecordedEvent[] {
  return items.flatMap((item) => ('stream' in item ? recorded(item.stream, [item.event]) : recorded(toPaymentIntentStreamName(item.data.paymentIntentId), [item])));
}

/** Cuts `events` at `cuts` (sorted, de-duplicated positions) into consecutive batches. */
export function splitAt<T>(events: readonly T[], cuts: readonly number[]): T[][] {
  const points = [...new Set(cuts.map((cut) => Math.max(0, Math.min(events.length, cut))))].sort((a, b) => a - b);
  const batches: T[][] = [];
  let start = 0;
  for (const point of [...points, events.length]) {
    if (point > start) batches.push(events.slice(start, point));
    start = Math.max(start, point);
  }
  return batches;
}
