/**
 * Regression: the relay must deliver every PaymentIntent event when global positions cross a power
 * of ten inside one read window. In a fresh database, 9 950 filler events (another stream family,
 * skipped by the relay's filter) push the log to just below 10 000; 60 intents are then appended
 * concurrently, so group commit puts positions 9 9xx and 10 xxx in one transaction, and a relay
 * with small batches must publish all their messages.
 *
 * This fails while PostgresEventStore.readAll orders its scan by the `::text` output aliases of
 * EVENT_COLUMNS (`ORDER BY transaction_id, global_position` inside the CTE binds to the text
 * columns: '10000' < '9951'), which skips events; see docs/integration-events.md, "Known issues".
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { NewEvent } from '../../../domain/eventStore/index.js';
import { LOG_START } from '../../../domain/eventStore/index.js';
import { toPaymentIntentStreamName } from '../../../domain/paymentIntent/index.js';
import { mapBatch } from '../../../projections/integration/index.js';
import { typicalIntent } from '../../../projections/integration/testing/paymentScenarios.js';
import { TEST_DATABASE, createTestClient, dropDatabase, recreateDatabase } from '../../../test/support/database.js';
import { migrate } from '../../adapters/db/migrate.js';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from '../../adapters/eventStore/postgres/postgresEventStore.js';
import { createLogger } from '../../adapters/observability/logger.js';
import { startRelay, type RelayHandle } from './relay.js';
import { dedupeById, paymentEventsAfter } from '../../../test/support/kafka/expectedMessages.js';
import { createTopic, deleteCreatedTopics, startCollector, testBrokers, uniqueName, waitUntil, type Collector } from '../../../test/support/kafka/kafkaTestKit.js';

const database = `${TEST_DATABASE}_positions`;
const brokers = testBrokers();
let client: SqlClient;
let store: PostgresEventStore;
let relay: RelayHandle | undefined;
let collector: Collector | undefined;

beforeAll(async () => {
  await recreateDatabase(database);
  client = createTestClient(8, database);
  await migrate(client);
  store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client });
});
afterAll(async () => {
  await relay?.stop();
  await collector?.stop();
  await store.close();
  await client.close();
  await dropDatabase(database);
  await deleteCreatedTopics();
});

const filler = (count: number): NewEvent[] =>
  Array.from({ length: count }, (_, index) => ({ id: randomUUID(), type: 'FillerRecorded', schemaVersion: 1, data: { index }, metadata: {} }));

it('delivers every event when log positions cross a power of ten inside a read window', async () => {
  for (let stream = 0; stream < 10; stream += 1) await store.append(`Filler-${stream}`, filler(stream === 9 ? 950 : 1_000), { kind: 'no_stream' });
  // Concurrent appends: group commit writes several intents in one transaction, so one
  // transaction holds positions on both sides of 10 000.
  const intents = Array.from({ length: 60 }, (_, n) => typicalIntent(n, new Date().toISOString()).map((event) => ({ id: randomUUID(), event, traceparent: null })));
  await Promise.all(
    intents.map((sources) => {
      const stream = toPaymentIntentStreamName(sources[0]?.event.data.paymentIntentId ?? '');
      return store.append(
        stream,
        sources.map(({ id, event }) => ({ id, type: event.type, schemaVersion: 1, data: event.data, metadata: {} })),
        { kind: 'no_stream' },
      );
    }),
  );
  const straddling = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM (SELECT transaction_id FROM ledger_events GROUP BY 1 HAVING min(global_position) < 10000 AND max(global_position) >= 10000) t',
  );
  expect(straddling[0]?.n).toBe(1);
  const head = await store.headPosition();
  expect(head.prepare).toBeGreaterThan(10_000n);
  // What must arrive, from the appended events themselves (not from a log read).
  const expected = intents.flatMap((sources) => mapBatch(sources, new Map()).outgoing);
  expect(expected.length).toBe(84); // 60 intents of the typical mix: 12 × (2 + 1 + 2 + 1 + 1)
  // The store's whole-log read must see every PaymentIntent event once.
  expect((await paymentEventsAfter(store, LOG_START)).length).toBe(intents.flat().length);

  const topic = uniqueName('test.payments.positions');
  await createTopic(brokers, topic, 3);
  relay = startRelay({ client, store, brokers, logger: createLogger('silent'), name: uniqueName('test-relay-positions'), topic, batchSizeMax: 100 });
  const current = relay;
  await waitUntil(async () => (await current.status()).checkpoint === `${head.commit}:${head.prepare}`, 30_000, 'the relay at the head of the log');
  collector = await startCollector(brokers, topic);
  const reader = collector;
  await reader.waitFor((messages) => dedupeById(messages).length >= expected.length, 10_000, `${expected.length} messages`).catch(() => undefined);
  expect(
    dedupeById(reader.messages)
      .map((message) => message.headers['event-id'])
      .sort(),
  ).toEqual(expected.map((message) => message.event.id).sort());
});
