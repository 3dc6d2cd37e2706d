/** The relay's small parts: its handle, the batch in flight, and which intent contexts a batch changed. */
import type { LogPosition } from '../../../domain/eventStore/index.js';
import type { IntentContext, OutgoingIntegrationEvent } from '../../../projections/integration/index.js';
import type { RelayStatus } from './relayStatus.js';

export type RelayHandle = Readonly<{
  status: () => Promise<RelayStatus>;
  /** Graceful: finishes the batch in flight (unless it is waiting for the broker), then stops. */
  stop: () => Promise<void>;
}>;

export type InFlightBatch = Readonly<{
  from: LogPosition;
  checkpoint: LogPosition;
  events: number;
  outgoing: readonly OutgoingIntegrationEvent[];
  contexts: ReadonlyMap<string, IntentContext>;
}>;

/** The relay was asked to stop while a batch waited for the broker; the batch stays unpublished. */
export class RelayStoppedError extends Error {
  override readonly name = 'RelayStoppedError';
}

/** Only the contexts the batch changed (or created) need writing. */
export function changedContexts(before: ReadonlyMap<string, IntentContext>, after: ReadonlyMap<string, IntentContext>): Map<string, IntentContext> {
  const changed = new Map<string, IntentContext>();
  for (const [id, context] of after) if (before.get(id) !== context) changed.set(id, context);
  return changed;
}
