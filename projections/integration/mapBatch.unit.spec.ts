import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import type { PaymentIntentEvent } from '../../domain/paymentIntent/index.js';
import { foldIntentContext, intentsNeedingContext, toSourceEvent } from './index.js';
import { UndecodableEventError } from '../../schemas/events/index.js';
import { commandsFor, decideAll, intentIds } from './testing/paymentScenarios.js';

const now = '2025-06-01T10:00:00.000Z';

function recorded(event: PaymentIntentEvent, revision: number, overrides: Partial<RecordedEvent> = {}): RecordedEvent {
  return {
    id: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
    type: event.type,
    schemaVersion: 1,
    data: event.data,
    metadata: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    stream: `PaymentIntent-${event.data.paymentIntentId}`,
    revision,
    position: { commit: 1n, prepare: BigInt(revision + 1) },
    recordedAt: now,
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
    ...overrides,
  };
}

const ids = intentIds(5);
const c = commandsFor(ids, now);
const stream = decideAll([c.create('manual', 1500, { clientReferenceId: 'bill-5' }), c.payCash(2000), c.refund('re_1', 200)]).map((event, revision) => recorded(event, revision));

describe('toSourceEvent', () => {
  it('takes the id, the event and the traceparent of a PaymentIntent event; ignores other streams', () => {
    const [created] = stream;
    expect(toSourceEvent(created!)).toEqual({ id: created!.id, event: { type: 'PaymentIntentCreated', data: created!.data }, traceparent: created!.metadata.traceparent });
    expect(toSourceEvent({ ...created!, stream: 'Terminal-trm_01' })).toBeUndefined();
  });

  it('refuses an unknown type or a newer stored version rather than skipping a fact', () => {
    expect(() => toSourceEvent({ ...stream[0]!, type: 'PaymentIntentTeleported' })).toThrow(UndecodableEventError);
    expect(() => toSourceEvent({ ...stream[0]!, schemaVersion: 2 })).toThrow(UndecodableEventError);
  });
});

describe('intent contexts', () => {
  it('are needed for intents whose first event in the batch is not their creation', () => {
    const other = intentIds(6);
    const otherCreated = recorded(decideAll([commandsFor(other, now).create('manual', 100)])[0]!, 0);
    expect(intentsNeedingContext([stream[1]!, otherCreated, stream[2]!])).toEqual(new Map([[ids.paymentIntentId, 1]]));
    expect(intentsNeedingContext(stream)).toEqual(new Map());
  });

  it('fold from the stream history: reference, received and refunded amounts', () => {
    expect(foldIntentContext(stream)).toEqual({ clientReferenceId: 'bill-5', amountReceived: 1500, amountRefunded: 200, authorizedMethod: null });
    expect(foldIntentContext([])).toBeUndefined();
  });
});
