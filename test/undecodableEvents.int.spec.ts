/**
 * A stored event that does not decode — written by a newer version (unknown schema version) or
 * malformed (a payload its schema refuses) — appended raw through the PostgreSQL adapter, then read
 * by the three kinds of reader. Each refuses it loudly, never passes over it:
 * - the command side answers 500 `stored_event_undecodable` and appends nothing;
 * - a projector's batch fails and the runtime parks the event, visible in its status;
 * - the relay halts in `failed` with the error in its status, its checkpoint before the batch and
 *   nothing of that batch published (real Kafka broker: KAFKA_BROKERS, default 127.0.0.1:9092).
 * Runs on a database of its own: the poisoned log must not reach other specs' projectors.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogPosition, RecordedEvent } from '../domain/eventStore/index.js';
import { formatPosition } from '../domain/eventStore/index.js';
import { toPaymentIntentStreamName } from '../domain/paymentIntent/index.js';
import { startRelay, type RelayHandle } from '../infra/runtime/relay/relay.js';
import { createTopic, deleteCreatedTopics, startCollector, testBrokers, uniqueName, waitUntil, type Collector } from './support/kafka/kafkaTestKit.js';
import { createLogger } from '../infra/adapters/observability/logger.js';
import { PAYMENT_INTENTS_PROJECTION } from '../projections/paymentIntents/index.js';
import { TEST_DATABASE, dropDatabase, recreateDatabase, testDatabaseUrl } from './support/database.js';
import type { TenantFixture } from './support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from './support/testLedger.js';

const database = `${TEST_DATABASE}_undecodable`;
const brokers = testBrokers();
let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;
const relays: RelayHandle[] = [];
const collectors: Collector[] = [];

/** `lastGood`: the position of the stream's event before the bad one. */
type Poisoned = Readonly<{ intentId: string; stream: string; badEventId: string; lastGood: LogPosition; events: readonly RecordedEvent[] }>;
const poisoned: Record<'newerVersion' | 'malformed', Poisoned | undefined> = { newerVersion: undefined, malformed: undefined };

/** A cash sale over HTTP, then one raw event appended to its stream: the real event with `change`. */
async function poisonedSale(change: (event: RecordedEvent) => Readonly<{ type: string; schemaVersion: number; data: RecordedEvent['data'] }>): Promise<Poisoned> {
  const created = await terminal.post('/v1/payment_intents', { amount: 1200, mode: 'manual' });
  expect(created.statusCode, created.body).toBe(201);
  const intentId = created.json<{ id: string }>().id;
  const confirmed = await terminal.post(`/v1/payment_intents/${intentId}/confirm`, { payment_method: { type: 'cash', tendered: 1200 } });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  const stream = toPaymentIntentStreamName(intentId);
  const stored = await harness.ledger.store.readStream(stream, { maxCount: 10 });
  const last = stored.at(-1);
  if (last === undefined) throw new Error('the sale wrote no event');
  const badEventId = randomUUID();
  await harness.ledger.store.append(stream, [{ id: badEventId, ...change(last), metadata: { actor: 'test:poison' } }], { kind: 'exact', revision: last.revision });
  return { intentId, stream, badEventId, lastGood: last.position, events: await harness.ledger.store.readStream(stream, { maxCount: 10 }) };
}

beforeAll(async () => {
  await recreateDatabase(database);
  harness = await startTestLedger({ DATABASE_URL: testDatabaseUrl(database) });
  tenant = await harness.tenant();
  terminal = await harness.asTerminal(tenant);
  // The refund as a newer writer would store it (version 99), and a refund whose amount is text.
  poisoned.newerVersion = await poisonedSale((last) => ({
    type: 'RefundRequested',
    schemaVersion: 99,
    data: { ...last.data, refundId: 're_1', reason: 'duplicate', paymentMethodType: 'cash' },
  }));
  poisoned.malformed = await poisonedSale((last) => ({
    type: 'RefundRequested',
    schemaVersion: 1,
    data: { ...last.data, refundId: 're_1', amount: { amountMinor: 'all of it', currency: 'JPY' }, reason: 'duplicate', paymentMethodType: 'cash' },
  }));
});
afterAll(async () => {
  await Promise.all(relays.map((relay) => relay.stop()));
  await Promise.all(collectors.map((collector) => collector.stop()));
  await harness.close();
  await deleteCreatedTopics();
  await dropDatabase(database);
});

const cases = ['newerVersion', 'malformed'] as const;
const poisonOf = (kind: (typeof cases)[number]): Poisoned => {
  const value = poisoned[kind];
  if (value === undefined) throw new Error('beforeAll did not poison the log');
  return value;
};

describe.each(cases)('a stored event that does not decode (%s)', (kind) => {
  it('the command side answers 500 stored_event_undecodable and appends nothing', async () => {
    const { intentId, stream, events } = poisonOf(kind);
    const refund = await terminal.post(`/v1/payment_intents/${intentId}/refunds`, { amount: 100 });
    expect(refund.statusCode, refund.body).toBe(500);
    expect(refund.headers['content-type']).toContain('application/problem+json');
    expect(refund.json()).toMatchObject({ status: 500, code: 'stored_event_undecodable' });
    expect(refund.body).not.toContain('RefundRequested');
    const read = await terminal.get(`/v1/payment_intents/${intentId}`);
    expect(read.statusCode, read.body).toBe(500);
    expect(read.json()).toMatchObject({ code: 'stored_event_undecodable' });
    expect(await harness.ledger.store.readStream(stream, { maxCount: 10 })).toHaveLength(events.length);
  });

  it('the relay halts in failed with the error, its checkpoint before the batch, nothing published', async () => {
    const { lastGood, stream, intentId } = poisonOf(kind);
    const topic = uniqueName('test.undecodable');
    await createTopic(brokers, topic, 1);
    const collector = await startCollector(brokers, topic);
    collectors.push(collector);
    const logger = createLogger('silent');
    const relay = startRelay({
      client: harness.ledger.client,
      store: harness.ledger.store,
      brokers,
      logger,
      name: uniqueName('test-relay-undecodable'),
      topic,
      initialPosition: lastGood,
    });
    relays.push(relay);
    await waitUntil(async () => (await relay.status()).state === 'failed', 30_000, 'the relay to fail');
    const status = await relay.status();
    expect(status.lastError?.message).toContain('cannot decode RefundRequested');
    expect(status.lastError?.message).toContain(stream);
    expect(status.messagesPublished).toBe(0);
    expect(status.checkpoint).toBe(formatPosition(lastGood)); // never committed past the event before the bad one
    // Halted, not retrying: still failed after a restart backoff would have passed.
    await relay.stop();
    expect((await relay.status()).state).toBe('failed');
    expect(collector.messages.filter((message) => message.key === intentId)).toEqual([]);
  });
});

describe('a projector reading events that do not decode', () => {
  it('parks each one, visible in the status, and goes on only when an operator skips it', async () => {
    const { projections } = harness.ledger;
    const parkedIds = async (): Promise<string[]> => {
      const status = (await projections.status()).find((projection) => projection.name === PAYMENT_INTENTS_PROJECTION);
      return status?.state === 'parked' ? status.parked_events.map((event) => event.event_id) : [];
    };
    for (const kind of cases) {
      const { badEventId, stream } = poisonOf(kind);
      const parkedBy = async (): Promise<string[]> =>
        (await projections.status()).filter((projection) => projection.parked_events.some((event) => event.event_id === badEventId)).map((projection) => projection.name);
      await waitUntil(async () => (await parkedIds()).includes(badEventId), 30_000, `the ${kind} event parked`);
      // Each projector reaches the event on its own schedule: wait for the journal's parking too.
      await waitUntil(async () => (await parkedBy()).includes('journal'), 30_000, `the ${kind} event parked by the journal`);
      const status = (await projections.status()).find((projection) => projection.name === PAYMENT_INTENTS_PROJECTION);
      expect(status?.parked_events).toEqual([expect.objectContaining({ event_id: badEventId, event_type: 'RefundRequested', stream_name: stream })]);
      expect(status?.parked_events[0]?.error).toContain('cannot decode');
      // Every projector of PaymentIntent events parked it (the journal too): skip it in each.
      const parkedIn = (await projections.status()).filter((projection) => projection.parked_events.some((event) => event.event_id === badEventId));
      expect(parkedIn.map((projection) => projection.name)).toEqual(expect.arrayContaining([PAYMENT_INTENTS_PROJECTION, 'journal']));
      for (const projection of parkedIn) expect(projections.skipParked(projection.name, badEventId)).toBe(true);
    }
    const intents = async () => (await projections.status()).find((projection) => projection.name === PAYMENT_INTENTS_PROJECTION);
    await waitUntil(async () => (await intents())?.state === 'running', 30_000, 'the projector past the skipped events');
    expect(await intents()).toMatchObject({ state: 'running', parked_events: [] });
  });
});
