/**
 * Which codec reads and writes the streams of which decider: the command side decodes every
 * stored event it folds and encodes every event it appends through it (ARCHITECTURE.md §2).
 * `register` ties a decider's event type to its codec's, so the lookup below returns the right one.
 */
import { clientReferenceDecider } from '../../domain/clientReference/index.js';
import { paymentIntentDecider } from '../../domain/paymentIntent/index.js';
import { settlementBatchDecider } from '../../domain/settlement/index.js';
import type { Decider } from '../../domain/shared/index.js';
import { clientPartnerDecider, merchantDecider, storeDecider, storeProviderConfigDecider, terminalDecider } from '../../domain/tenancy/index.js';
import {
  clientPartnerCodec,
  clientReferenceCodec,
  merchantCodec,
  paymentIntentCodec,
  settlementBatchCodec,
  storeCodec,
  storeProviderConfigCodec,
  terminalCodec,
  type EventCodec,
  type EventShape,
} from './index.js';

/** Events of one stream beyond this are refused (no aggregate of ours comes near it). */
export const STREAM_EVENTS_MAX = 5_000;

/** Keyed by decider; each value is the `EventCodec` of that decider's event union (see `register`). */
const codecs = new WeakMap<object, unknown>();

function register<Command, Event extends EventShape, State>(decider: Decider<Command, Event, State>, codec: EventCodec<Event>): void {
  codecs.set(decider, codec);
}

register(paymentIntentDecider, paymentIntentCodec);
register(clientReferenceDecider, clientReferenceCodec);
register(clientPartnerDecider, clientPartnerCodec);
register(merchantDecider, merchantCodec);
register(storeDecider, storeCodec);
register(storeProviderConfigDecider, storeProviderConfigCodec);
register(terminalDecider, terminalCodec);
register(settlementBatchDecider, settlementBatchCodec);

/** The codec of `decider`'s events. A decider nobody registered is a wiring error, loud at its first use. */
export function eventCodecOf<Command, Event extends EventShape, State>(decider: Decider<Command, Event, State>): EventCodec<Event> {
  const codec = codecs.get(decider);
  if (codec === undefined) throw new TypeError('no event codec is registered for this decider (schemas/events/registry.ts)');
  // `register` stored it with this decider's own event type.
  return codec as EventCodec<Event>;
}
