/**
 * Test input for the example consumers: real integration messages (the ledger's own mapper over
 * decider-made events, with the relay's message format), plus the awkward ones a consumer must
 * survive — duplicates, a `*.v2` it does not know, a body that breaks the contract.
 */
import { randomUUID } from 'node:crypto';
import type { Message } from 'kafkajs';
import type { PaymentIntentEvent } from '../../../../domain/paymentIntent/index.js';
import { toKafkaMessage } from '../../../../infra/adapters/kafka/publisher.js';
import { testKafka } from '../../../../test/support/kafka/kafkaTestKit.js';
import { mapBatch, type OutgoingIntegrationEvent } from '../../../../projections/integration/index.js';
import { commandsFor, decideAll, intentIds } from '../../../../projections/integration/testing/paymentScenarios.js';

const now = '2025-06-01T10:00:00.000Z';

function intent(n: number, build: (c: ReturnType<typeof commandsFor>) => Parameters<typeof decideAll>[0]): PaymentIntentEvent[] {
  return decideAll(build(commandsFor(intentIds(n, 9), now)));
}

/**
 * - A (member-a): cash ¥1,250 (12 points), refunds ¥500 then ¥750 (−4, −8);
 * - B (member-b): card ¥9,999 (99 points);
 * - C (member-c): a declined card, then canceled (no points);
 * - D (member-a): QR ¥3,000 (30 points), refund ¥1,000 confirmed by the provider (−10).
 */
export function scenarioEvents(): readonly OutgoingIntegrationEvent[] {
  const events = [
    ...intent(1, (c) => [c.create('manual', 1250, { clientReferenceId: 'member-a' }), c.payCash(2000), c.refund('re_a1', 500), c.refund('re_a2', 750)]),
    ...intent(2, (c) => [c.create('external', 9999, { clientReferenceId: 'member-b' }), c.confirm('card'), c.cardApproved(9999)]),
    ...intent(3, (c) => [c.create('external', 700, { clientReferenceId: 'member-c' }), c.confirm('card'), c.cardDeclined(), c.cancel()]),
    ...intent(4, (c) => [
      c.create('pgw_processed', 3000, { clientReferenceId: 'member-a' }),
      c.confirm('qr'),
      c.qrSucceeded(3000),
      c.refund('re_d1', 1000),
      c.refundSucceeded('re_d1'),
    ]),
  ];
  return mapBatch(
    events.map((event) => ({ id: randomUUID(), event, traceparent: null })),
    new Map(),
  ).outgoing;
}

/** The scenario as sent: every message, B's completion and A's first refund twice, then a v2 and a broken v1. */
export function scenarioMessages(events: readonly OutgoingIntegrationEvent[]): Message[] {
  const messages = events.map(toKafkaMessage);
  const [aCompleted, aRefund1, , bCompleted] = messages;
  if (aCompleted === undefined || aRefund1 === undefined || bCompleted === undefined) throw new Error('scenario changed');
  const v2: Message = {
    key: aCompleted.key ?? null,
    value: Buffer.from(JSON.stringify({ id: randomUUID(), type: 'payment.completed.v2', schema_version: 2, amount: { value: 1, currency: 'JPY' } })),
    headers: { 'event-id': randomUUID(), 'event-type': 'payment.completed.v2', 'schema-version': '2', 'content-type': 'application/json' },
  };
  const broken: Message = {
    ...bCompleted,
    value: Buffer.from(JSON.stringify({ type: 'payment.completed.v1', amount: 1.5 })),
    headers: { ...bCompleted.headers, 'event-id': randomUUID() },
  };
  return [...messages, bCompleted, aRefund1, v2, broken];
}

/** Produces `messages` to `topic` in one idempotent, acknowledged send. */
export async function produce(brokers: readonly string[], topic: string, messages: Message[]): Promise<void> {
  const producer = testKafka(brokers).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}
