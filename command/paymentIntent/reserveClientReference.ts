import { WrongExpectedVersionError } from '../../domain/eventStore/index.js';
import type { IdempotencyKeyRef } from '../../domain/idempotency/index.js';
import { paymentIntentDecider, toPaymentIntentStreamName } from '../../domain/paymentIntent/index.js';
import type { CommandContext } from '../commandContext.js';
import { loadAggregate } from '../handleCommand.js';

/** The order or bill reference was already used for another intent of the store (payments.md (d) rule 15). */
export class DuplicateReferenceError extends Error {
  override readonly name = 'DuplicateReferenceError';
  constructor(
    readonly clientReferenceId: string,
    readonly paymentIntentId: string,
  ) {
    super(`client_reference_id ${clientReferenceId} is already used by payment intent ${paymentIntentId}`);
  }
}

export const CLIENT_REFERENCE_RESERVED = 'ClientReferenceReserved';

type Reservation = Readonly<{ paymentIntentId: string; scope: string; key: string }>;

export function toClientReferenceStreamName(storeId: string, clientReferenceId: string): string {
  return `ClientReference-${storeId}-${clientReferenceId}`;
}

/**
 * Reserves a store's `client_reference_id` for a new intent, permanently (it outlives idempotency
 * records): the first append to `ClientReference-{store}-{ref}` wins. Returns the intent id to
 * create: the new one, or — when this same idempotency key reserved it and crashed before the
 * intent was written — the one it reserved then. Any other holder makes it a duplicate.
 */
export async function reserveClientReference(
  context: CommandContext,
  input: Readonly<{ storeId: string; clientReferenceId: string; paymentIntentId: string; key: IdempotencyKeyRef; actor: string }>,
): Promise<string> {
  const stream = toClientReferenceStreamName(input.storeId, input.clientReferenceId);
  const reservation: Reservation = { paymentIntentId: input.paymentIntentId, scope: input.key.scope, key: input.key.key };
  try {
    await context.store.append(stream, [{ id: context.newUuid(), type: CLIENT_REFERENCE_RESERVED, schemaVersion: 1, data: reservation, metadata: { actor: input.actor, idempotencyKey: input.key.key } }], {
      kind: 'no_stream',
    });
    return input.paymentIntentId;
  } catch (error) {
    if (!(error instanceof WrongExpectedVersionError)) throw error;
  }
  const [first] = await context.store.readStream(stream, { maxCount: 1 });
  const holder = first?.data;
  const heldBy = typeof holder?.paymentIntentId === 'string' ? holder.paymentIntentId : 'unknown';
  const sameRequest = holder?.scope === input.key.scope && holder.key === input.key.key;
  if (sameRequest) {
    const existing = await loadAggregate(context, paymentIntentDecider, toPaymentIntentStreamName(heldBy));
    if (existing.state.status === 'absent') return heldBy;
  }
  throw new DuplicateReferenceError(input.clientReferenceId, heldBy);
}
