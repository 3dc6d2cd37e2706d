/**
 * Kafka stopped mid-stream and restarted: on a SECOND real broker (127.0.0.1:19092, its own data,
 * started and stopped here with scripts/kafka.sh — the shared 9092 broker is never touched), the
 * relay publishes while payments keep coming over HTTP; the broker stops; the relay waits
 * (`waiting_for_broker`) while the log grows; the broker comes back and every event is delivered.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LogPosition } from '../../../domain/eventStore/index.js';
import type { TenantFixture } from '../../../test/support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../../../test/support/testLedger.js';
import { createLogger } from '../../adapters/observability/logger.js';
import { startRelay, type RelayHandle } from './relay.js';
import type { RelayState } from './relayStatus.js';
import { dedupeById, expectedMessagesAfter, idsByKey } from '../../../test/support/kafka/expectedMessages.js';
import { createTopic, secondBroker, startCollector, uniqueName, waitUntil, type Collector } from '../../../test/support/kafka/kafkaTestKit.js';

const broker = secondBroker(19092, 19093);
let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;
let relay: RelayHandle | undefined;
let collector: Collector | undefined;

beforeAll(async () => {
  await broker.reset();
  await broker.start();
  harness = await startTestLedger();
  tenant = await harness.tenant();
  terminal = await harness.asTerminal(tenant);
});
afterAll(async () => {
  await relay?.stop();
  await collector?.stop().catch(() => undefined);
  await harness.close();
  await broker.reset(); // stops the second broker and deletes its data
});

let written = 0;
async function payCash(): Promise<void> {
  written += 1;
  const created = await terminal.post('/v1/payment_intents', { amount: 1000 + written, mode: 'manual', client_reference_id: `r-${written}` });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json<{ id: string }>().id;
  const confirmed = await terminal.post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'cash', tendered: 5000 } });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  if (written % 3 === 0) expect((await terminal.post(`/v1/payment_intents/${id}/refunds`, { amount: 100 })).statusCode).toBe(201);
}

/** Writes payments one after another until `until()` says stop. */
async function writeUntil(until: () => boolean): Promise<void> {
  while (!until()) {
    await payCash();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('delivers every event after the broker stopped mid-stream and came back', async () => {
  const topic = uniqueName('test.payments.restart');
  await createTopic(broker.brokers, topic, 3);
  const head: LogPosition = await harness.ledger.store.headPosition();
  relay = startRelay({
    client: harness.ledger.client,
    store: harness.ledger.store,
    brokers: broker.brokers,
    logger: createLogger('silent'),
    name: uniqueName('test-relay-restart'),
    topic,
    initialPosition: head,
    batchSizeMax: 20,
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: 5_000,
  });
  const current = relay;
  const states = new Set<RelayState>();
  const watch = setInterval(() => {
    void current.status().then(
      (status) => states.add(status.state),
      () => undefined,
    );
  }, 100);
  try {
    // Before: flowing.
    for (let index = 0; index < 15; index += 1) await payCash();
    await waitUntil(async () => (await current.status()).backlogEvents === 0, 20_000, 'the first payments published');

    // The broker goes away while payments keep coming.
    let outage = true;
    const writer = writeUntil(() => !outage);
    await broker.stop();
    await waitUntil(async () => (await current.status()).state === 'waiting_for_broker', 30_000, 'the relay to notice the broker is gone');
    const waiting = await current.status();
    expect(waiting.backlogEvents).toBeGreaterThan(0);
    expect(waiting.lastError).not.toBeNull();
    outage = false;
    await writer;

    // The broker comes back: the relay resumes by itself and drains the backlog.
    await broker.start();
    await waitUntil(async () => (await current.status()).backlogEvents === 0, 60_000, 'the backlog drained after the restart');
    expect((await current.status()).state).toBe('running');
  } finally {
    clearInterval(watch);
  }
  expect(states).toContain('waiting_for_broker');

  const expected = await expectedMessagesAfter(harness.ledger.store, head);
  collector = await startCollector(broker.brokers, topic);
  const reader = collector;
  await reader.waitFor((messages) => dedupeById(messages).length >= expected.length, 30_000, `${expected.length} distinct messages`);
  const received = dedupeById(reader.messages);
  // Every event delivered (same ids, same count), each intent in its log order; duplicates, if any, repeat an id.
  expect(received.map((message) => message.headers['event-id']).sort()).toEqual(expected.map((message) => message.event.id).sort());
  expect(idsByKey(received.map((message) => ({ key: message.key, id: message.headers['event-id'] ?? '' })))).toEqual(
    idsByKey(expected.map((message) => ({ key: message.key, id: message.event.id }))),
  );
  expect(reader.messages.length).toBeGreaterThanOrEqual(expected.length);
});
