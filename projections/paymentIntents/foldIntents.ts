/**
 * The pure heart of the payment intents projector: a batch of events, in log order, applied to the
 * stored rows of the intents it touches, gives their new rows. No I/O, so it is the same fold the
 * domain does (`evolve`), plus the read model's own columns.
 *
 * Per PaymentIntent event: the intent's state evolves with the domain `evolve`; `updated_at`,
 * `last_position` and `stream_revision` move to the event; `business_date` is fixed once, from the
 * creation instant under the store's schedule at that point of the log. An event at or below the
 * stored `stream_revision` was already applied and is skipped (a replayed batch changes nothing);
 * events of an intent whose creation was never seen leave no row.
 */
import type { LogPosition, RecordedEvent } from '../../domain/eventStore/index.js';
import { formatPosition } from '../../domain/eventStore/index.js';
import type { ExistingPaymentIntent, PaymentIntentEvent } from '../../domain/paymentIntent/index.js';
import { PAYMENT_INTENT_STREAM_PREFIX, amountRefunded, evolve, initialState, paymentIntentIdOfStream } from '../../domain/paymentIntent/index.js';
import { paymentIntentEventOf } from '../runtime/paymentLog.js';

/** What the fold needs of a stored row. */
export type StoredIntent = Readonly<{ state: ExistingPaymentIntent; businessDate: string; streamRevision: number }>;

/** The tenancy facts the fold needs, in log order (`TenancyReference`). */
export interface BusinessDates {
  observe(event: RecordedEvent): void;
  businessDate(storeId: string, instant: string): string;
}

/** One row of `payment_intents`, as written (amounts in minor units, instants ISO-8601 UTC). */
export type IntentRow = Readonly<{
  id: string;
  client_partner_id: string;
  merchant_id: string;
  store_id: string;
  terminal_id: string;
  mode: string;
  provider: string | null;
  status: string;
  capture_method: string;
  currency: string;
  amount: number;
  amount_received: number;
  amount_refunded: number;
  client_reference_id: string | null;
  created_at: string;
  updated_at: string;
  business_date: string;
  last_position: string;
  stream_revision: number;
  state: ExistingPaymentIntent;
}>;

type Folded = StoredIntent & Readonly<{ position: LogPosition; updatedAt: string }>;

/**
 * The domain event of a recorded PaymentIntent event, or undefined for another stream family.
 * Decoded through the codec: an event it cannot read throws `UndecodableEventError`, so the batch
 * fails and the runtime parks it — never skipped silently.
 */
export function toPaymentIntentEvent(recorded: RecordedEvent): PaymentIntentEvent | undefined {
  return paymentIntentEventOf(recorded);
}

/** The ids of the intents `events` touch: the rows to load before folding. */
export function touchedIntentIds(events: readonly RecordedEvent[]): string[] {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.stream.startsWith(PAYMENT_INTENT_STREAM_PREFIX)) ids.add(paymentIntentIdOfStream(event.stream));
  }
  return [...ids];
}

/**
 * Folds `events` (log order) over `stored` (the rows of the intents they touch, by id) and returns
 * the rows that changed, ordered by id. `dates.observe` sees every event, in order, before any
 * business date is asked for at that point of the log.
 */
export function foldIntents(events: readonly RecordedEvent[], stored: ReadonlyMap<string, StoredIntent>, dates: BusinessDates): IntentRow[] {
  const folded = new Map<string, Folded>();
  for (const recorded of events) {
    dates.observe(recorded);
    const event = toPaymentIntentEvent(recorded);
    if (event === undefined) continue;
    const id = paymentIntentIdOfStream(recorded.stream);
    const current = folded.get(id) ?? stored.get(id);
    if (current !== undefined && recorded.revision <= current.streamRevision) continue;
    const state = evolve(current?.state ?? initialState(), event);
    if (state.status === 'absent') continue;
    folded.set(id, {
      state,
      businessDate: current?.businessDate ?? dates.businessDate(state.storeId, state.createdAt),
      streamRevision: recorded.revision,
      position: recorded.position,
      updatedAt: event.data.occurredAt,
    });
  }
  return [...folded.keys()].sort().flatMap((id) => {
    const intent = folded.get(id);
    return intent === undefined ? [] : [toRow(intent)];
  });
}

function toRow(intent: Folded): IntentRow {
  const { state } = intent;
  return {
    id: state.paymentIntentId,
    client_partner_id: state.clientPartnerId,
    merchant_id: state.merchantId,
    store_id: state.storeId,
    terminal_id: state.terminalId,
    mode: state.mode,
    provider: state.provider,
    status: state.status,
    capture_method: state.captureMethod,
    currency: state.amount.currency,
    amount: state.amount.amountMinor,
    amount_received: state.amountReceived.amountMinor,
    amount_refunded: amountRefunded(state).amountMinor,
    client_reference_id: state.clientReferenceId,
    created_at: state.createdAt,
    updated_at: intent.updatedAt,
    business_date: intent.businessDate,
    last_position: formatPosition(intent.position),
    stream_revision: intent.streamRevision,
    state,
  };
}
