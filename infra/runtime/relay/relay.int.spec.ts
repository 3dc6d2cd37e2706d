/**
 * The relay end to end on the real PostgreSQL and the REAL Kafka broker (KAFKA_BROKERS, default
 * 127.0.0.1:9092; no broker => these tests FAIL): a cash payment and its refund made over HTTP
 * arrive on the topic with the contract's key, headers and body; without a broker the relay
 * reports its backlog; a second relay with the same name stands by and takes over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogPosition } from '../../../domain/eventStore/index.js';
import { toPaymentIntentStreamName } from '../../../domain/paymentIntent/index.js';
import { integrationEventId } from '../../../projections/integration/index.js';
import { paymentIntegrationEventSchema, paymentIntegrationEventSchemas, type PaymentIntegrationEvent } from '../../../schemas/integration/index.js';
import type { TenantFixture } from '../../../test/support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../../../test/support/testLedger.js';
import { createLogger } from '../../adapters/observability/logger.js';
import { installTracing } from '../../adapters/observability/tracing.js';
import { startRelay, type RelayHandle } from './relay.js';
import type { RelayOptions } from './relayOptions.js';
import {
  createTopic,
  deleteCreatedTopics,
  startCollector,
  testBrokers,
  uniqueName,
  waitUntil,
  type Collector,
  type ReceivedMessage,
} from '../../../test/support/kafka/kafkaTestKit.js';

const brokers = testBrokers();
const logger = createLogger('silent');
let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;
const running: RelayHandle[] = [];
const collectors: Collector[] = [];

beforeAll(async () => {
  installTracing();
  harness = await startTestLedger();
  tenant = await harness.tenant();
  terminal = await harness.asTerminal(tenant);
});
afterAll(async () => {
  await Promise.all(running.map((relay) => relay.stop()));
  await Promise.all(collectors.map((collector) => collector.stop()));
  await harness.close();
  await deleteCreatedTopics();
});

/** A relay on a fresh topic (created first, 3 partitions) that starts at the current head of the log. */
async function relayOnFreshTopic(overrides: Partial<RelayOptions> = {}): Promise<{ relay: RelayHandle; topic: string; collector: Collector; head: LogPosition }> {
  const topic = overrides.topic ?? uniqueName('test.payments');
  await createTopic(brokers, topic, 3);
  const collector = await startCollector(brokers, topic);
  collectors.push(collector);
  const head = await harness.ledger.store.headPosition();
  const relay = startRelay({
    client: harness.ledger.client,
    store: harness.ledger.store,
    brokers,
    logger,
    name: uniqueName('test-relay'),
    topic,
    initialPosition: head,
    ...overrides,
  });
  running.push(relay);
  return { relay, topic, collector, head };
}

async function payCash(amount: number, tendered: number, reference: string | null, headers: Record<string, string> = {}): Promise<string> {
  const created = await terminal.post('/v1/payment_intents', { amount, mode: 'manual', client_reference_id: reference }, { headers });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json<{ id: string }>().id;
  const confirmed = await terminal.post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'cash', tendered } }, { headers });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return id;
}

const bodies = (messages: readonly ReceivedMessage[], key: string): PaymentIntegrationEvent[] =>
  messages.filter((message) => message.key === key).map((message) => paymentIntegrationEventSchema.parse(message.body));

describe('relay → real Kafka', () => {
  it('a cash payment and a refund over HTTP arrive keyed by intent, with the contract headers and valid bodies', async () => {
    const { relay, collector } = await relayOnFreshTopic();
    const sentTrace = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const intentId = await payCash(1200, 2000, 'order-42', { traceparent: sentTrace });
    const refund = await terminal.post(`/v1/payment_intents/${intentId}/refunds`, { amount: 500 });
    expect(refund.statusCode, refund.body).toBe(201);

    await collector.waitFor((messages) => messages.filter((message) => message.key === intentId).length >= 2, 30_000, 'completed + refunded');
    const messages = collector.messages.filter((message) => message.key === intentId);
    expect(messages).toHaveLength(2);
    const [completed, refunded] = messages.map((message) => paymentIntegrationEventSchemas[message.headers['event-type'] as PaymentIntegrationEvent['type']].parse(message.body));
    expect(completed).toMatchObject({
      type: 'payment.completed.v1',
      schema_version: 1,
      payment_intent_id: intentId,
      client_reference_id: 'order-42',
      client_partner_id: tenant.clientPartnerId,
      merchant_id: tenant.merchantId,
      store_id: tenant.storeId,
      terminal_id: tenant.terminalId,
      mode: 'manual',
      provider: null,
      currency: 'JPY',
      amount: 1200,
      payment_method: { type: 'cash', tendered: 2000, change: 800 },
    });
    expect(refunded).toMatchObject({
      type: 'payment.refunded.v1',
      amount_refunded: 500,
      total_refunded: 500,
      amount_received: 1200,
      refund_status: 'partial',
      client_reference_id: 'order-42',
    });

    // Ids derive from the domain events; headers repeat the body's identity; traceparent comes from the event metadata.
    const stream = await harness.ledger.store.readStream(toPaymentIntentStreamName(intentId), { maxCount: 100 });
    const cash = stream.find((event) => event.type === 'CashPaymentReceived');
    const refundSucceeded = stream.find((event) => event.type === 'RefundSucceeded');
    expect(completed?.id).toBe(integrationEventId(cash?.id ?? '', 'payment.completed.v1'));
    expect(refunded?.id).toBe(integrationEventId(refundSucceeded?.id ?? '', 'payment.refunded.v1'));
    const [first, second] = messages;
    expect(first?.headers).toEqual({
      'event-id': completed?.id,
      'event-type': 'payment.completed.v1',
      'schema-version': '1',
      'content-type': 'application/json',
      // The relay's send span (a child of the request's span, in the same trace): docs/ops.md.
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) as unknown,
    });
    expect(first?.headers.traceparent?.split('-')[1]).toBe(sentTrace.split('-')[1]);
    expect(first?.headers.traceparent?.split('-')[1]).toBe(cash?.metadata.traceparent?.split('-')[1]);
    expect(second?.headers['event-id']).toBe(refunded?.id);
    expect(second?.partition).toBe(first?.partition);

    await waitUntil(async () => (await relay.status()).backlogEvents === 0, 10_000, 'an empty backlog');
    expect(await relay.status()).toMatchObject({ state: 'running', backlogEvents: 0, messagesPublished: 2, lastError: null });
  });

  it('a relay that starts after an intent was created folds its stream for the missing context', async () => {
    const intentId = await payCash(3000, 3000, 'before-the-relay');
    const { relay, collector } = await relayOnFreshTopic(); // starts at the head: the creation is behind it
    const refund = await terminal.post(`/v1/payment_intents/${intentId}/refunds`, { amount: 3000 });
    expect(refund.statusCode, refund.body).toBe(201);
    await collector.waitFor((messages) => messages.some((message) => message.key === intentId), 30_000, 'the refund');
    expect(bodies(collector.messages, intentId)).toEqual([
      expect.objectContaining({
        type: 'payment.refunded.v1',
        client_reference_id: 'before-the-relay',
        amount_refunded: 3000,
        total_refunded: 3000,
        amount_received: 3000,
        refund_status: 'full',
      }),
    ]);
    // The collector can see the message before the relay has committed its checkpoint and counted it.
    await waitUntil(async () => (await relay.status()).messagesPublished >= 1, 10_000, 'the refund counted');
    expect(await relay.status()).toMatchObject({ messagesPublished: 1, backlogEvents: 0 });
  });
});

describe('relay status and singleton', () => {
  it('with no broker configured the relay does not run and reports the events waiting for it', async () => {
    const name = uniqueName('test-relay-disabled');
    const relay = startRelay({ client: harness.ledger.client, store: harness.ledger.store, brokers: [], logger, name });
    const rows = await harness.ledger.client.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_events WHERE stream_name LIKE 'PaymentIntent-%'");
    const before = await relay.status();
    expect(before).toMatchObject({ name, state: 'disabled', checkpoint: null, backlogEvents: rows[0]?.n, eventsPerSecond: 0 });
    await payCash(500, 500, null);
    expect((await relay.status()).backlogEvents).toBe(before.backlogEvents + 2);
    await relay.stop();
  });

  it('a second relay with the same name stands by, and takes over from the checkpoint when the first stops', async () => {
    const name = uniqueName('test-relay-pair');
    const { relay: active, topic, collector, head } = await relayOnFreshTopic({ name });
    await waitUntil(async () => (await active.status()).state === 'running', 15_000, 'the first relay running');
    const standby = startRelay({ client: harness.ledger.client, store: harness.ledger.store, brokers, logger, name, topic, initialPosition: head, lockPollMs: 100 });
    running.push(standby);
    await waitUntil(async () => (await standby.status()).state === 'standby', 10_000, 'the second relay standing by');

    const firstIntent = await payCash(700, 1000, 'pair-1');
    await collector.waitFor((messages) => messages.some((message) => message.key === firstIntent), 30_000, 'the first payment');
    await active.stop();
    await waitUntil(async () => (await standby.status()).state === 'running', 15_000, 'the standby taking over');
    const secondIntent = await payCash(800, 1000, 'pair-2');
    await collector.waitFor((messages) => messages.some((message) => message.key === secondIntent), 30_000, 'the second payment');

    // A graceful hand-over: each payment exactly once.
    expect(bodies(collector.messages, firstIntent).map((event) => event.client_reference_id)).toEqual(['pair-1']);
    expect(bodies(collector.messages, secondIntent).map((event) => event.client_reference_id)).toEqual(['pair-2']);
    await waitUntil(async () => (await standby.status()).messagesPublished >= 1, 10_000, 'the second payment counted');
    expect((await standby.status()).messagesPublished).toBe(1);
  });
});
