/**
 * The relay on the embedded PostgreSQL (PGlite, the default without DATABASE_URL) with the REAL
 * broker: no advisory lock (the data-folder lock already means one process), commits through the
 * single session, contexts and checkpoint stored the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toPaymentIntentStreamName } from '../../../domain/paymentIntent/index.js';
import { mapBatch } from '../../../projections/integration/index.js';
import { commandsFor, decideAll, intentIds } from '../../../projections/integration/testing/paymentScenarios.js';
import { paymentIntegrationEventSchema } from '../../../schemas/integration/index.js';
import { migrate } from '../../adapters/db/migrate.js';
import { createPgliteClient } from '../../adapters/db/pgliteClient.js';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from '../../adapters/eventStore/postgres/postgresEventStore.js';
import { createLogger } from '../../adapters/observability/logger.js';
import { startRelay, type RelayHandle } from './relay.js';
import { createTopic, deleteCreatedTopics, startCollector, testBrokers, uniqueName, waitUntil, type Collector } from '../../../test/support/kafka/kafkaTestKit.js';

const brokers = testBrokers();
const dataDir = mkdtempSync(join(tmpdir(), 'relay-pglite-'));
let client: SqlClient;
let store: PostgresEventStore;
let relay: RelayHandle | undefined;
let collector: Collector | undefined;

beforeAll(async () => {
  client = await createPgliteClient(dataDir);
  await migrate(client);
  store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client });
});
afterAll(async () => {
  await relay?.stop();
  await collector?.stop();
  await store.close();
  await client.close();
  rmSync(dataDir, { recursive: true, force: true });
  await deleteCreatedTopics();
});

it('publishes from the embedded database, then picks up a refund from its stored context', async () => {
  const ids = intentIds(77);
  const c = commandsFor(ids, '2026-11-22T03:00:00.000Z');
  const stream = toPaymentIntentStreamName(ids.paymentIntentId);
  const first = decideAll([c.create('manual', 1500, { clientReferenceId: 'embedded-1' }), c.payCash(2000)]).map((event) => ({ id: randomUUID(), event, traceparent: null }));
  await store.append(
    stream,
    first.map(({ id, event }) => ({ id, type: event.type, schemaVersion: 1, data: event.data, metadata: {} })),
    { kind: 'no_stream' },
  );

  const topic = uniqueName('test.payments.pglite');
  await createTopic(brokers, topic, 3);
  relay = startRelay({ client, store, brokers, logger: createLogger('silent'), name: 'pglite-test', topic });
  const current = relay;
  await waitUntil(async () => (await current.status()).messagesPublished === 1, 30_000, 'the completion published');

  // A refund later: its batch holds no creation, so the reference and totals come from relay_intent_context.
  const refund = decideAll([c.create('manual', 1500, { clientReferenceId: 'embedded-1' }), c.payCash(2000), c.refund('re_77', 300)]).slice(2);
  await store.append(
    stream,
    refund.map((event) => ({ id: randomUUID(), type: event.type, schemaVersion: 1, data: event.data, metadata: {} })),
    { kind: 'exact', revision: 1 },
  );
  await waitUntil(async () => (await current.status()).messagesPublished === 2, 30_000, 'the refund published');
  expect(await current.status()).toMatchObject({ state: 'running', backlogEvents: 0, lastError: null });

  collector = await startCollector(brokers, topic);
  const reader = collector;
  await reader.waitFor((messages) => messages.length >= 2, 30_000, 'two messages');
  const bodies = reader.messages.map((message) => paymentIntegrationEventSchema.parse(message.body));
  expect(bodies.map((body) => body.type)).toEqual(['payment.completed.v1', 'payment.refunded.v1']);
  expect(bodies[0]?.id).toBe(mapBatch(first, new Map()).outgoing[0]?.event.id);
  expect(bodies[1]).toMatchObject({ client_reference_id: 'embedded-1', amount_refunded: 300, total_refunded: 300, amount_received: 1500, refund_status: 'partial' });
});
