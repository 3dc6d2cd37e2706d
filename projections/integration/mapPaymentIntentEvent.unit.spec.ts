import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PaymentIntentEvent } from '../../domain/paymentIntent/index.js';
import type { PaymentIntegrationEvent } from '../../schemas/integration/index.js';
import { paymentIntegrationEventSchema } from '../../schemas/integration/index.js';
import type { IntentContext, OutgoingIntegrationEvent, SourceEvent } from './index.js';
import { MissingIntentContextError, integrationEventId, mapBatch, mapPaymentIntentEvent } from './index.js';
import { commandsFor, decideAll, intentIds, typicalIntent } from './testing/paymentScenarios.js';

const now = '2025-06-01T10:00:00.000Z';
const ids = intentIds(1);
const c = commandsFor(ids, now);
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const sources = (events: readonly PaymentIntentEvent[], prefix = 1): SourceEvent[] =>
  events.map((event, index) => ({
    id: `00000000-0000-4000-8000-${String(prefix * 1000 + index).padStart(12, '0')}`,
    event,
    traceparent: index % 2 === 1 ? traceparent : null,
  }));

/** Maps a whole stream from its creation; returns the published bodies (validated by the public schema). */
function published(events: readonly PaymentIntentEvent[]): PaymentIntegrationEvent[] {
  const { outgoing } = mapBatch(sources(events), new Map());
  return outgoing.map((message) => {
    expect(paymentIntegrationEventSchema.parse(message.event)).toEqual(message.event);
    expect(message.key).toBe(message.event.payment_intent_id);
    return message.event;
  });
}

const envelope = {
  schema_version: 1,
  payment_intent_id: ids.paymentIntentId,
  client_partner_id: ids.clientPartnerId,
  merchant_id: ids.merchantId,
  store_id: ids.storeId,
  terminal_id: ids.terminalId,
  currency: 'JPY',
  occurred_at: now,
};

describe('mapPaymentIntentEvent', () => {
  it('cash: completed with tendered/change and the order reference; refunds carry this and the total amount', () => {
    const events = decideAll([c.create('manual', 1200, { clientReferenceId: 'order-42' }), c.payCash(2000), c.refund('re_1', 500), c.refund('re_2', 700)]);
    const [completed, partial, full, ...rest] = published(events);
    expect(rest).toEqual([]);
    expect(completed).toEqual({
      ...envelope,
      id: completed?.id,
      type: 'payment.completed.v1',
      client_reference_id: 'order-42',
      mode: 'manual',
      provider: null,
      attempt_id: 'att_1',
      amount: 1200,
      payment_method: { type: 'cash', tendered: 2000, change: 800 },
    });
    expect(partial).toMatchObject({
      type: 'payment.refunded.v1',
      refund_id: 're_1',
      amount_refunded: 500,
      total_refunded: 500,
      amount_received: 1200,
      refund_status: 'partial',
      payment_method_type: 'cash',
      client_reference_id: 'order-42',
    });
    expect(full).toMatchObject({ type: 'payment.refunded.v1', refund_id: 're_2', amount_refunded: 700, total_refunded: 1200, refund_status: 'full' });
  });

  it('card: a decline is payment.failed.v1, the approval that follows is payment.completed.v1 with the masked card', () => {
    const events = decideAll([c.create('external', 5000), c.confirm('card'), c.cardDeclined(), c.confirm('card', 'att_2'), c.cardApproved(5000, 'att_2', 'jcb')]);
    const [failed, completed] = published(events);
    expect(failed).toMatchObject({
      type: 'payment.failed.v1',
      attempt_id: 'att_1',
      amount: 5000,
      payment_method_type: 'card',
      client_reference_id: null,
      failure: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Declined by issuer' },
    });
    expect(completed).toMatchObject({
      type: 'payment.completed.v1',
      attempt_id: 'att_2',
      payment_method: { type: 'card', brand: 'jcb', masked_pan: '424242******4242', approval_number: 'A12345', slip_number: '00042' },
    });
  });

  it('manual capture: the authorization announces nothing; the capture completes with the authorized card and the captured amount', () => {
    const captureBefore = '2025-06-08T10:00:00.000Z';
    const events = decideAll([c.create('external', 5000, { captureMethod: 'manual' }), c.confirm('card'), c.cardApproved(5000, 'att_1', 'visa', captureBefore), c.capture(3000)]);
    const out = published(events);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: 'payment.completed.v1', amount: 3000, payment_method: { type: 'card', brand: 'visa' } });
  });
});

describe('mapPaymentIntentEvent: QR, cancel, headers, missing context', () => {
  it('QR: completed with the provider payment id; a pending refund is silent until the provider confirms it', () => {
    const events = decideAll([c.create('pgw_processed', 800), c.confirm('qr'), c.qrSucceeded(800), c.refund('re_9', 800)]);
    expect(published(events).map((event) => event.type)).toEqual(['payment.completed.v1']);
    const confirmed = decideAll([c.create('pgw_processed', 800), c.confirm('qr'), c.qrSucceeded(800), c.refund('re_9', 800), c.refundSucceeded('re_9')]);
    const [completed, refunded] = published(confirmed);
    expect(completed).toMatchObject({ mode: 'pgw_processed', provider: 'paypay', payment_method: { type: 'qr', provider_payment_id: 'paypay_att_1' } });
    expect(refunded).toMatchObject({ type: 'payment.refunded.v1', amount_refunded: 800, total_refunded: 800, refund_status: 'full', payment_method_type: 'qr' });
  });

  it('cancel and expiry are payment.canceled.v1 with their reason', () => {
    const canceled = published(decideAll([c.create('manual', 1000), c.cancel()]));
    expect(canceled).toEqual([
      expect.objectContaining({ type: 'payment.canceled.v1', amount: 1000, cancellation_reason: 'requested_by_customer', status_before: 'pending', amount_released: 0 }),
    ]);
    const expired = published(decideAll([c.create('manual', 1000), c.expire('2025-06-01T11:00:00.000Z')]));
    expect(expired).toEqual([expect.objectContaining({ type: 'payment.canceled.v1', cancellation_reason: 'expired', occurred_at: '2025-06-01T11:00:00.000Z' })]);
  });

  it('headers: event id, type, schema version, content type, and traceparent only when the domain event had one', () => {
    const events = decideAll([c.create('manual', 1200), c.payCash(1200), c.refund('re_1', 100)]);
    // Only the cash receipt carries a traceparent.
    const traced = sources(events).map((source) => ({ ...source, traceparent: source.event.type === 'CashPaymentReceived' ? traceparent : null }));
    const [withTrace, withoutTrace] = mapBatch(traced, new Map()).outgoing as [OutgoingIntegrationEvent, OutgoingIntegrationEvent];
    expect(withTrace.headers).toEqual({
      'event-id': withTrace.event.id,
      'event-type': 'payment.completed.v1',
      'schema-version': '1',
      'content-type': 'application/json',
      traceparent,
    });
    expect(withoutTrace.headers).toEqual({
      'event-id': withoutTrace.event.id,
      'event-type': 'payment.refunded.v1',
      'schema-version': '1',
      'content-type': 'application/json',
    });
  });

  it('a non-creation event without context is refused (the relay must fold the stream first)', () => {
    const [, received] = decideAll([c.create('manual', 1200), c.payCash(1200)]);
    expect(() => mapPaymentIntentEvent({ id: '00000000-0000-4000-8000-000000000001', event: received!, traceparent: null }, undefined)).toThrow(MissingIntentContextError);
  });
});

describe('integration event ids', () => {
  it('are UUIDv5, fixed forever for a given domain event id and type', () => {
    const id = integrationEventId('7c9e6679-7425-40de-944b-e07fc1f90ae7', 'payment.completed.v1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).toBe(integrationEventId('7c9e6679-7425-40de-944b-e07fc1f90ae7', 'payment.completed.v1'));
    // Cross-checked with Python: uuid.uuid5(UUID(INTEGRATION_EVENT_NAMESPACE), '7c9e…0ae7/payment.completed.v1')
    expect(id).toMatchInlineSnapshot(`"e79cf7ee-028b-5381-8c4f-9345d8369aac"`);
    expect(integrationEventId('7c9e6679-7425-40de-944b-e07fc1f90ae7', 'payment.refunded.v1')).not.toBe(id);
    expect(integrationEventId('7c9e6679-7425-40de-944b-e07fc1f90ae8', 'payment.completed.v1')).not.toBe(id);
  });

  it('mapping the same events twice gives byte-identical messages (a re-delivery is recognisable)', () => {
    const events = typicalIntent(10, now);
    const once = mapBatch(sources(events), new Map()).outgoing;
    const twice = mapBatch(sources(events), new Map()).outgoing;
    expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
  });
});

describe('mapBatch', () => {
  const streams = Array.from({ length: 10 }, (_, n) => sources(typicalIntent(n, now), n + 1));
  /** Interleaves the streams round-robin, as concurrent writers would in the log. */
  const log: SourceEvent[] = [];
  for (let round = 0; streams.some((stream) => stream[round] !== undefined); round += 1) {
    for (const stream of streams) {
      const source = stream[round];
      if (source !== undefined) log.push(source);
    }
  }
  const whole = mapBatch(log, new Map()).outgoing;

  it('maps every intent of a typical mix and every body validates', () => {
    expect(whole.length).toBeGreaterThanOrEqual(10);
    for (const message of whole) expect(paymentIntegrationEventSchema.safeParse(message.event).success).toBe(true);
  });

  it('any split into batches, with contexts carried between them, gives the same messages (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: log.length - 1 }), { maxLength: 8 }), (cuts) => {
        const bounds = [0, ...[...cuts].sort((a, b) => a - b), log.length];
        let contexts = new Map<string, IntentContext>();
        const out: OutgoingIntegrationEvent[] = [];
        for (let index = 0; index + 1 < bounds.length; index += 1) {
          const batch = mapBatch(log.slice(bounds[index], bounds[index + 1]), contexts);
          out.push(...batch.outgoing);
          contexts = new Map([...contexts, ...batch.contexts]);
        }
        expect(out).toEqual(whole);
      }),
      { numRuns: 100 },
    );
  });
});
