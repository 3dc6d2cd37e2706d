/**
 * The loyalty consumer against the REAL broker and PostgreSQL (its own database): points accrue on
 * completion and are reversed proportionally on refunds; duplicates, a replay from the beginning by
 * another group, a v2 and a broken message change nothing.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopic, deleteCreatedTopics, testBrokers, uniqueName, waitUntil } from '../../../test/support/kafka/kafkaTestKit.js';
import { TEST_DATABASE, dropDatabase, recreateDatabase, testDatabaseUrl } from '../../../test/support/database.js';
import type { RunningConsumer } from '../shared/consumeIntegrationEvents.js';
import { produce, scenarioEvents, scenarioMessages } from '../shared/testing/scenarioMessages.js';
import { memberBalances, startLoyaltyConsumer, type LoyaltyOutcome } from './loyaltyConsumer.js';
import { pointsEarned, pointsToReverse } from './points.js';

const brokers = testBrokers();
const database = `${TEST_DATABASE}_loyalty`;
let pool: pg.Pool;
const consumers: RunningConsumer[] = [];

beforeAll(async () => {
  await recreateDatabase(database);
  pool = new pg.Pool({ connectionString: testDatabaseUrl(database), max: 4 });
});
afterAll(async () => {
  await Promise.all(consumers.map((consumer) => consumer.stop()));
  await pool.end();
  await dropDatabase(database);
  await deleteCreatedTopics();
});

describe('points', () => {
  it('1 point per ¥100, reversed in proportion to the running refunded total (a full refund reverses all)', () => {
    expect(pointsEarned(1250, 'JPY')).toBe(12);
    expect(pointsEarned(99, 'JPY')).toBe(0);
    expect(pointsToReverse({ awarded: 12, reversed: 0, totalRefunded: 500, amountReceived: 1250 })).toBe(4);
    expect(pointsToReverse({ awarded: 12, reversed: 4, totalRefunded: 1250, amountReceived: 1250 })).toBe(8);
    expect(pointsToReverse({ awarded: 999_999_999, reversed: 0, totalRefunded: 99_999_999_999, amountReceived: 99_999_999_999 })).toBe(999_999_999);
  });
});

it('accrues and reverses points once per event, through duplicates, unknown versions and a full replay', async () => {
  const topic = uniqueName('test.payments.loyalty');
  await createTopic(brokers, topic, 3);
  const events = scenarioEvents();
  await produce(brokers, topic, scenarioMessages(events));

  const outcomes: LoyaltyOutcome[] = [];
  const skipped: string[] = [];
  const start = async (groupId: string): Promise<void> => {
    consumers.push(
      await startLoyaltyConsumer({
        brokers,
        pool,
        topic,
        groupId,
        fromBeginning: true,
        log: (level, message) => {
          if (message.startsWith('skipping')) skipped.push(level);
        },
        onApplied: (_event, outcome) => {
          outcomes.push(outcome);
        },
      }),
    );
  };
  await start(uniqueName('loyalty'));
  await waitUntil(() => outcomes.length === 10 && skipped.length === 2, 30_000, 'every message consumed');
  expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(2);
  expect(outcomes.filter((outcome) => outcome === 'accrued')).toHaveLength(3);
  expect(outcomes.filter((outcome) => outcome === 'reversed')).toHaveLength(3);
  // member-a: 12 − 4 − 8 (cash, fully refunded) + 30 − 10 (QR, a third refunded) = 20; member-b: 99; member-c paid nothing.
  expect(await memberBalances(pool)).toEqual(
    new Map([
      ['member-a', 20],
      ['member-b', 99],
    ]),
  );

  // Another group replays the whole topic: every event is a duplicate now; the balances stay.
  await start(uniqueName('loyalty-replay'));
  await waitUntil(() => outcomes.length === 20, 30_000, 'the replay consumed');
  expect(outcomes.slice(10).every((outcome) => outcome === 'duplicate')).toBe(true);
  expect(await memberBalances(pool)).toEqual(
    new Map([
      ['member-a', 20],
      ['member-b', 99],
    ]),
  );
  const processed = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM loyalty_processed_events');
  expect(processed.rows[0]?.n).toBe(events.length);
});
