import { clientReferenceDecider, reservedUnder, toClientReferenceStreamName, type ClientReferenceState, type ReservingKey } from '../../domain/clientReference/index.js';
import type { EventMetadata, StreamRevision } from '../../domain/eventStore/index.js';
import { paymentIntentDecider, toPaymentIntentStreamName } from '../../domain/paymentIntent/index.js';
import type { CommandContext } from '../commandContext.js';
import { executeCommand, loadAggregate } from '../handleCommand.js';

export type ClientReferenceRequest = Readonly<{ storeId: string; clientReferenceId: string; key: ReservingKey }>;

/**
 * The intent a create should write: the one this idempotency key reserved the reference for
 * (a retry after a crash between the reservation and the intent's append), when that intent was
 * never written; otherwise `newPaymentIntentId`. Reads only; writes nothing.
 */
export async function intentIdForReference(context: CommandContext, request: ClientReferenceRequest, newPaymentIntentId: string): Promise<string> {
  const stream = toClientReferenceStreamName(request.storeId, request.clientReferenceId);
  const state: ClientReferenceState = (await loadAggregate(context, clientReferenceDecider, stream)).state;
  const reserved = reservedUnder(state, request.key);
  if (reserved === null) return newPaymentIntentId;
  const intent = await loadAggregate(context, paymentIntentDecider, toPaymentIntentStreamName(reserved));
  return intent.state.status === 'absent' ? reserved : newPaymentIntentId;
}

/**
 * Reserves the reference for `paymentIntentId` (the ClientReference decider, `no_stream` first):
 * called only once the create was decided and accepted, before the intent's append, and only
 * while the tenancy streams the create was decided on are unchanged (`consistentWith`). Another
 * holder → `DuplicateReferenceError` (409 duplicate_reference), and nothing is written.
 */
export async function reserveClientReference(
  context: CommandContext,
  request: ClientReferenceRequest & Readonly<{ paymentIntentId: string; metadata: EventMetadata; consistentWith: readonly StreamRevision[] }>,
): Promise<void> {
  await executeCommand(context, {
    aggregate: clientReferenceDecider,
    stream: toClientReferenceStreamName(request.storeId, request.clientReferenceId),
    command: () => ({
      type: 'ReserveClientReference' as const,
      data: { storeId: request.storeId, clientReferenceId: request.clientReferenceId, paymentIntentId: request.paymentIntentId, reservedBy: request.key },
    }),
    respond: () => ({ status: 200, body: '{}' }),
    metadata: request.metadata,
    consistentWith: request.consistentWith,
  });
}
