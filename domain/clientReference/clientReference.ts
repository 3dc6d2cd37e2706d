/**
 * ClientReference: a store's order or bill reference (`client_reference_id`) belongs to one
 * payment intent for good (payments.md (d) rule 15; it outlives idempotency records). One stream
 * per store × reference; its single event names the intent and the idempotency key that reserved it.
 *
 * Written only for an accepted create, before the intent's own append: if the process dies
 * between the two, the retry under the same key finds its reservation (`reservedUnder`) and
 * creates the very intent it names, so the reservation never names another one.
 */
import { DomainError, type Decider } from '../shared/index.js';

export const CLIENT_REFERENCE_STREAM_PREFIX = 'ClientReference-';

/** @example toClientReferenceStreamName('str_01', 'order-1') // 'ClientReference-str_01-order-1' */
export function toClientReferenceStreamName(storeId: string, clientReferenceId: string): string {
  return `${CLIENT_REFERENCE_STREAM_PREFIX}${storeId}-${clientReferenceId}`;
}

/** The idempotency key (caller scope and key) of the create that reserved a reference. */
export type ReservingKey = Readonly<{ scope: string; key: string }>;

export type ReserveClientReference = Readonly<{
  type: 'ReserveClientReference';
  data: Readonly<{ storeId: string; clientReferenceId: string; paymentIntentId: string; reservedBy: ReservingKey }>;
}>;

export type ClientReferenceReserved = Readonly<{
  type: 'ClientReferenceReserved';
  data: Readonly<{ paymentIntentId: string; scope: string; key: string }>;
}>;

export type ClientReferenceEvent = ClientReferenceReserved;

export type ClientReferenceState = Readonly<{ status: 'free' }> | Readonly<{ status: 'reserved'; paymentIntentId: string; reservedBy: ReservingKey }>;

export type ClientReferenceErrorCode = 'duplicate_reference';

/** The reference is held by another intent; `paymentIntentId` is that intent (GET it instead). */
export class DuplicateReferenceError extends DomainError<ClientReferenceErrorCode> {
  constructor(
    readonly clientReferenceId: string,
    readonly paymentIntentId: string,
  ) {
    super('duplicate_reference', `client_reference_id ${clientReferenceId} is already used by payment intent ${paymentIntentId}`);
  }
}

export const isDuplicateReferenceError = (value: unknown): value is DuplicateReferenceError => value instanceof DuplicateReferenceError;

const sameKey = (left: ReservingKey, right: ReservingKey): boolean => left.scope === right.scope && left.key === right.key;

/** Free → reserved; the same reservation again → `[]`; anything else → `duplicate_reference`. */
function decide(command: ReserveClientReference, state: ClientReferenceState): ClientReferenceEvent[] {
  const { data } = command;
  if (state.status === 'free') {
    return [{ type: 'ClientReferenceReserved', data: { paymentIntentId: data.paymentIntentId, scope: data.reservedBy.scope, key: data.reservedBy.key } }];
  }
  if (state.paymentIntentId === data.paymentIntentId && sameKey(state.reservedBy, data.reservedBy)) return [];
  throw new DuplicateReferenceError(data.clientReferenceId, state.paymentIntentId);
}

/** The first reservation holds; a later one (never written by `decide`) changes nothing. */
function evolve(state: ClientReferenceState, event: ClientReferenceEvent): ClientReferenceState {
  if (state.status === 'reserved') return state;
  return { status: 'reserved', paymentIntentId: event.data.paymentIntentId, reservedBy: { scope: event.data.scope, key: event.data.key } };
}

export const clientReferenceDecider: Decider<ReserveClientReference, ClientReferenceEvent, ClientReferenceState> = Object.freeze({
  decide,
  evolve,
  initialState: (): ClientReferenceState => ({ status: 'free' }),
});

/**
 * The intent this key reserved the reference for, or null. A create retried under the same key
 * after a crash between the reservation and the intent's append re-uses it (when that intent was
 * never written), so the reservation and the intent agree.
 */
export function reservedUnder(state: ClientReferenceState, key: ReservingKey): string | null {
  return state.status === 'reserved' && sameKey(state.reservedBy, key) ? state.paymentIntentId : null;
}
