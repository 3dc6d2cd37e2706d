/**
 * Per-intent order on the REAL broker: 60 intents paid concurrently over HTTP (cash with three
 * partial refunds, or a declined then approved card with two refunds) while the relay publishes
 * live in small batches that cut across intents. Every intent's messages arrive in one partition,
 * in the order of its stream, exactly as the mapping of the log says.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LogPosition } from '../../../domain/eventStore/index.js';
import { paymentIntegrationEventSchema } from '../../../schemas/integration/index.js';
import type { TenantFixture } from '../../../test/support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../../../test/support/testLedger.js';
import { createLogger } from '../../adapters/observability/logger.js';
import { startRelay, type RelayHandle } from './relay.js';
import { dedupeById, expectedMessagesAfter, idsByKey } from '../../../test/support/kafka/expectedMessages.js';
import { createTopic, deleteCreatedTopics, startCollector, testBrokers, uniqueName, waitUntil, type Collector } from '../../../test/support/kafka/kafkaTestKit.js';

const INTENTS = 60;
const brokers = testBrokers();
let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;
let relay: RelayHandle | undefined;
let collector: Collector | undefined;

beforeAll(async () => {
  harness = await startTestLedger();
  tenant = await harness.tenant();
  terminal = await harness.asTerminal(tenant);
});
afterAll(async () => {
  await relay?.stop();
  await collector?.stop();
  await harness.close();
  await deleteCreatedTopics();
});

async function post(url: string, body: unknown, status: number): Promise<{ id: string; next_action: { attempt_id: string } | null }> {
  const response = await terminal.post(url, body);
  expect(response.statusCode, `${url}: ${response.body}`).toBe(status);
  return response.json();
}

async function cashWithRefunds(index: number): Promise<void> {
  const { id } = await post('/v1/payment_intents', { amount: 1000 + index, mode: 'manual', client_reference_id: `order-${index}` }, 201);
  await post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'cash', tendered: 5000 } }, 200);
  for (let refund = 0; refund < 3; refund += 1) await post(`/v1/payment_intents/${id}/refunds`, { amount: 100 }, 201);
}

async function cardDeclinedThenApproved(index: number): Promise<void> {
  const amount = 2000 + index;
  const { id } = await post('/v1/payment_intents', { amount, mode: 'external', client_reference_id: `order-${index}` }, 201);
  const first = await post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'card' } }, 200);
  await post(
    `/v1/payment_intents/${id}/card_result`,
    { attempt_id: first.next_action?.attempt_id, outcome: 'declined', decline_code: 'insufficient_funds', message: 'Declined' },
    200,
  );
  const second = await post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'card' } }, 200);
  await post(
    `/v1/payment_intents/${id}/card_result`,
    {
      attempt_id: second.next_action?.attempt_id,
      outcome: 'approved',
      amount,
      approval_number: 'A1',
      masked_pan: '424242******4242',
      brand: 'visa',
    },
    200,
  );
  for (let refund = 0; refund < 2; refund += 1) await post(`/v1/payment_intents/${id}/refunds`, { amount: 500 }, 201);
}

it(`keeps each intent's order across ${INTENTS} concurrent intents`, async () => {
  const topic = uniqueName('test.payments.order');
  await createTopic(brokers, topic, 6);
  collector = await startCollector(brokers, topic);
  const head: LogPosition = await harness.ledger.store.headPosition();
  relay = startRelay({
    client: harness.ledger.client,
    store: harness.ledger.store,
    brokers,
    logger: createLogger('silent'),
    name: uniqueName('test-relay-order'),
    topic,
    initialPosition: head,
    batchSizeMax: 25,
  });

  await Promise.all(Array.from({ length: INTENTS }, (_, index) => (index % 2 === 0 ? cashWithRefunds(index) : cardDeclinedThenApproved(index))));
  const expected = await expectedMessagesAfter(harness.ledger.store, head);
  expect(expected).toHaveLength((INTENTS / 2) * 4 + (INTENTS / 2) * 4);
  const current = collector;
  await current.waitFor((messages) => dedupeById(messages).length >= expected.length, 60_000, `${expected.length} messages`);
  await waitUntil(async () => (await relay?.status())?.backlogEvents === 0, 10_000, 'an empty backlog');

  const received = dedupeById(current.messages);
  expect(received).toHaveLength(expected.length);
  // Per key: the same ids in the same order as the log's mapping, all in one partition.
  const receivedByKey = idsByKey(received.map((message) => ({ key: message.key, id: message.headers['event-id'] ?? '' })));
  const expectedByKey = idsByKey(expected.map((message) => ({ key: message.key, id: message.event.id })));
  expect(receivedByKey.size).toBe(INTENTS);
  expect(receivedByKey).toEqual(expectedByKey);
  for (const key of receivedByKey.keys()) {
    const messages = received.filter((message) => message.key === key);
    expect(new Set(messages.map((message) => message.partition)).size).toBe(1);
    const bodies = messages.map((message) => paymentIntegrationEventSchema.parse(message.body));
    const totals = bodies.flatMap((body) => (body.type === 'payment.refunded.v1' ? [body.total_refunded] : []));
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
  }
  // The partitions were all used: order is per key, not a single-partition artefact.
  expect(new Set(received.map((message) => message.partition)).size).toBeGreaterThan(1);
});
