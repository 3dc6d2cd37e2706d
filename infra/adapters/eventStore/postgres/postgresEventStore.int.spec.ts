/**
 * The PostgreSQL adapter against the real server: the whole conformance suite, then what only
 * PostgreSQL can show — a naive `global_position > checkpoint` reader loses an event that the
 * transaction-id reader delivers; a subscriber is held back by an open writer exactly until it
 * ends; group commit shares transactions; tampering is caught by verify.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../../../domain/eventStore/index.js';
import { describeEventStoreConformance } from '../../../../test/conformance/eventStoreConformance.js';
import { newEvent, newEvents, sleep, uniquePrefix } from '../../../../test/conformance/harness.js';
import { createTestClient } from '../../../../test/support/database.js';
import type { SqlClient } from '../../db/sqlClient.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from './postgresEventStore.js';
import { appendInHeldTransaction } from './postgresHarness.js';

describeEventStoreConformance('PostgreSQL', async () => {
  const client = createTestClient(24);
  const store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client, pollIntervalMs: 100 });
  return {
    store,
    appendHeld: (stream, events, expected, holdMs, outcome) => appendInHeldTransaction(client, stream, events, expected, holdMs, outcome),
    tamper: async (stream, revision) => {
      await client.query(`UPDATE ledger_events SET data = data || '{"amountMinor": 1}'::jsonb WHERE stream_name = $1 AND stream_revision = $2`, [stream, revision]);
    },
    close: async () => {
      await store.close();
      await client.close();
    },
  };
});

describe('PostgreSQL adapter: ordering under open transactions', () => {
  let client: SqlClient;
  let store: PostgresEventStore;
  beforeAll(() => {
    client = createTestClient(8);
    store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client, pollIntervalMs: 50 });
  });
  afterAll(async () => {
    await store.close();
    await client.close();
  });

  it('a naive position reader loses an event committed late with a lower position; the xid reader does not', async () => {
    const prefix = uniquePrefix('naive');
    const from = await store.headPosition();
    const slow = newEvent('Slow');
    // The slow writer takes its global position first and commits last.
    const held = appendInHeldTransaction(client, `${prefix}slow`, [slow], { kind: 'no_stream' }, 600, 'commit');
    await sleep(100);
    const fast = newEvent('Fast');
    await store.append(`${prefix}fast`, [fast], { kind: 'no_stream' });

    const naiveSeen: string[] = [];
    let naiveCheckpoint = 0n;
    const naiveRead = async (): Promise<void> => {
      const rows = await client.query<{ id: string; gp: string }>(
        `SELECT event_id::text AS id, global_position::text AS gp FROM ledger_events
          WHERE global_position > $1 AND stream_name LIKE $2 ORDER BY global_position`,
        [String(naiveCheckpoint), `${prefix}%`],
      );
      for (const row of rows) {
        naiveSeen.push(row.id);
        naiveCheckpoint = BigInt(row.gp);
      }
    };
    await naiveRead(); // sees Fast, moves its checkpoint past Slow's position
    const xidBefore = await store.readAll({ from, maxCount: 100, filter: { streamPrefixes: [prefix] } });
    await held;
    await naiveRead();
    const xidAfter = await store.readAll({ from, maxCount: 100, filter: { streamPrefixes: [prefix] } });

    expect(naiveSeen).toEqual([fast.id]); // Slow is lost for good
    expect(xidBefore.events).toEqual([]); // held back while Slow's transaction is open
    expect(xidAfter.events.map((event) => event.id)).toEqual([slow.id, fast.id]);
  });

  it('a subscriber waits for the oldest open writer, and no longer than until it ends', async () => {
    const prefix = uniquePrefix('holdback');
    const from = await store.headPosition();
    const received: { event: RecordedEvent; at: number }[] = [];
    const subscription = store.subscribe({
      from,
      filter: { streamPrefixes: [prefix] },
      batchSizeMax: 100,
      onEvents: async (events) => {
        const at = Date.now();
        received.push(...events.map((event) => ({ event, at })));
      },
    });
    await subscription.caughtUp();
    const held = appendInHeldTransaction(client, `${prefix}held`, newEvents(1), { kind: 'no_stream' }, 1_000, 'commit').then(() => Date.now());
    await sleep(50);
    await store.append(`${prefix}after`, newEvents(3), { kind: 'no_stream' });
    await sleep(500);
    expect(received).toHaveLength(0);
    const committedAt = await held;
    await expect.poll(() => received.length, { timeout: 5_000, interval: 10 }).toBe(4);
    const delayMs = Math.max(...received.map((entry) => entry.at)) - committedAt;
    expect(delayMs).toBeLessThan(500);
    expect(received[0]?.event.stream).toBe(`${prefix}held`);
    await subscription.stop();
  });

  it('a rolled-back writer holds nobody back after it ends and leaves nothing behind', async () => {
    const prefix = uniquePrefix('rollback');
    const from = await store.headPosition();
    const rolled = appendInHeldTransaction(client, `${prefix}gone`, newEvents(2), { kind: 'no_stream' }, 300, 'rollback');
    await sleep(50);
    await store.append(`${prefix}kept`, newEvents(1), { kind: 'no_stream' });
    await rolled;
    const result = await store.readAll({ from, maxCount: 100, filter: { streamPrefixes: [prefix] } });
    expect(result.events.map((event) => event.stream)).toEqual([`${prefix}kept`]);
    expect(await store.readStream(`${prefix}gone`, { maxCount: 10 })).toEqual([]);
  });

  it('group commit: 64 concurrent appends to distinct streams share transactions', async () => {
    const prefix = uniquePrefix('group');
    await Promise.all(Array.from({ length: 64 }, (_, index) => store.append(`${prefix}${index}`, [newEvent()], { kind: 'no_stream' })));
    const rows = await client.query<{ transactions: string; events: string }>(
      `SELECT count(DISTINCT transaction_id)::text AS transactions, count(*)::text AS events FROM ledger_events WHERE stream_name LIKE $1`,
      [`${prefix}%`],
    );
    expect(Number(rows[0]?.events)).toBe(64);
    expect(Number(rows[0]?.transactions)).toBeLessThanOrEqual(16);
  });

  it("an append depending on a stream waits for that stream's open writer and is refused once it commits", async () => {
    const prefix = uniquePrefix('dependslock');
    await store.append(`${prefix}store`, newEvents(1), { kind: 'no_stream' });
    // The store closes in a transaction still open when the intent's append reads the store's head.
    const closing = appendInHeldTransaction(client, `${prefix}store`, newEvents(1), { kind: 'exact', revision: 0 }, 400, 'commit');
    await sleep(100);
    const started = Date.now();
    const intent = store.append(`${prefix}intent`, newEvents(1), { kind: 'no_stream' }, { consistentWith: [{ stream: `${prefix}store`, revision: 0 }] });
    await expect(intent).rejects.toMatchObject({ name: 'WrongExpectedVersionError', stream: `${prefix}store`, actualRevision: 1 });
    expect(Date.now() - started).toBeGreaterThan(150);
    await closing;
    expect(await store.readStream(`${prefix}intent`, { maxCount: 10 })).toEqual([]);
  });

  it('in one batch, an append depending on a stream sees the earlier append of that stream', async () => {
    const prefix = uniquePrefix('dependsbatch');
    await store.append(`${prefix}store`, newEvents(1), { kind: 'no_stream' });
    // Sent together: the second waits for the first batch or joins a batch after it; either way it reads revision 1.
    const settled = await Promise.allSettled([
      store.append(`${prefix}store`, newEvents(1), { kind: 'exact', revision: 0 }),
      ...Array.from({ length: 8 }, (_, index) =>
        store.append(`${prefix}intent${index}`, newEvents(1), { kind: 'no_stream' }, { consistentWith: [{ stream: `${prefix}store`, revision: 0 }] }),
      ),
    ]);
    expect(settled[0]?.status).toBe('fulfilled');
    settled.slice(1).forEach((outcome) => {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { name: 'WrongExpectedVersionError', stream: `${prefix}store`, actualRevision: 1 } });
    });
  });

  it('one event id sent to two streams at once: exactly one wins, the other is an id conflict, neighbours commit', async () => {
    const prefix = uniquePrefix('split');
    const shared = randomUUID();
    // Same batch: refused while planning. Separate concurrent batches: the unique index fails
    // one transaction, which is retried alone. Either way only the offender fails.
    const settled = await Promise.allSettled([
      store.append(`${prefix}a`, [{ ...newEvent(), id: shared }], { kind: 'no_stream' }),
      store.append(`${prefix}b`, [{ ...newEvent(), id: shared }], { kind: 'no_stream' }),
      store.append(`${prefix}c`, [newEvent()], { kind: 'no_stream' }),
    ]);
    const [a, b, c] = settled;
    expect(c?.status).toBe('fulfilled');
    expect([a?.status, b?.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect([a, b].find((outcome) => outcome?.status === 'rejected')).toMatchObject({ reason: { name: 'EventIdConflictError' } });
    const stored = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ledger_events WHERE event_id = $1`, [shared]);
    expect(stored[0]?.n).toBe('1');
  });
});
