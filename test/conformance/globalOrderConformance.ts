import { describe, expect, it } from 'vitest';
import type { ExpectedRevision, NewEvent, RecordedEvent } from '../../domain/eventStore/index.js';
import { WrongExpectedVersionError, comparePositions } from '../../domain/eventStore/index.js';
import type { ConformanceHarness } from './harness.js';
import { eventually, newEvent, seededRandom, sleep, uniquePrefix } from './harness.js';

export const WRITERS = 16;
export const EVENTS_TARGET = 20_000;

export type WorkloadReport = Readonly<{
  committed: ReadonlySet<string>;
  rolledBack: ReadonlySet<string>;
  transactions: number;
  rollbacks: number;
  conflicts: number;
  elapsedMs: number;
}>;

/**
 * The mixed workload of the global-order proof: `WRITERS` concurrent writers until at least
 * `EVENTS_TARGET` events are committed. Each step picks a stream (a writer's own or one of 8
 * shared ones), 1–5 events and one of: a plain append (group commit), or a transaction held
 * open 0–20 ms that commits, or (1 in 12 of those) rolls back. Random think time 0–3 ms.
 */
export async function runConcurrentWorkload(harness: ConformanceHarness, prefix: string, seed: number): Promise<WorkloadReport> {
  const random = seededRandom(seed);
  const committed = new Set<string>();
  const rolledBack = new Set<string>();
  let transactions = 0;
  let rollbacks = 0;
  let conflicts = 0;
  const started = Date.now();
  const writer = async (writerIndex: number): Promise<void> => {
    while (committed.size < EVENTS_TARGET) {
      const shared = random() < 0.25;
      const stream = shared ? `${prefix}shared-${Math.floor(random() * 8)}` : `${prefix}w${writerIndex}-${Math.floor(random() * 40)}`;
      const events: NewEvent[] = Array.from({ length: 1 + Math.floor(random() * 5) }, () => newEvent('Load', { writerIndex }));
      const expected: ExpectedRevision = { kind: 'any' };
      const held = random() < 0.4;
      const rollback = held && random() < 1 / 12;
      try {
        if (held) await harness.appendHeld(stream, events, expected, Math.floor(random() * 20), rollback ? 'rollback' : 'commit');
        else await harness.store.append(stream, events, expected);
        const target = rollback ? rolledBack : committed;
        events.forEach((event) => target.add(event.id));
        transactions += 1;
        if (rollback) rollbacks += 1;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        conflicts += 1;
      }
      await sleep(Math.floor(random() * 4));
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, index) => writer(index)));
  return { committed, rolledBack, transactions, rollbacks, conflicts, elapsedMs: Date.now() - started };
}

/** Every committed id exactly once, nothing rolled back, log order strictly increasing, each stream in revision order. */
export function assertDeliveredExactlyOnceInOrder(received: readonly RecordedEvent[], workload: WorkloadReport): void {
  const ids = received.map((event) => event.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.filter((id) => workload.rolledBack.has(id))).toEqual([]);
  expect(ids.filter((id) => !workload.committed.has(id))).toEqual([]);
  expect(ids.length).toBe(workload.committed.size);
  const lastRevision = new Map<string, number>();
  received.forEach((event, index) => {
    const previous = received[index - 1];
    if (previous !== undefined) expect(comparePositions(previous.position, event.position)).toBe(-1);
    expect(event.revision).toBe((lastRevision.get(event.stream) ?? -1) + 1);
    lastRevision.set(event.stream, event.revision);
  });
}

/** The global-order part of the conformance suite (see runConcurrentWorkload). */
export function describeGlobalOrderConformance(getHarness: () => ConformanceHarness): void {
  describe('global order under concurrent writers', () => {
    it(`${WRITERS} writers, think time, rollbacks, ≥ ${EVENTS_TARGET} events: every subscriber sees each committed event once, in order`, async () => {
      const harness = getHarness();
      const prefix = uniquePrefix('global');
      const from = await harness.store.headPosition();
      const seed = Date.now() % 1_000_000;
      const small: RecordedEvent[] = [];
      const large: RecordedEvent[] = [];
      const subscribe = (into: RecordedEvent[], batchSizeMax: number) =>
        harness.store.subscribe({
          from,
          filter: { streamPrefixes: [prefix] },
          batchSizeMax,
          onEvents: async (events) => {
            into.push(...events);
          },
        });
      const subscriptions = [subscribe(small, 50), subscribe(large, 1_000)];
      const workload = await runConcurrentWorkload(harness, prefix, seed);
      expect(workload.committed.size, `seed ${seed}`).toBeGreaterThanOrEqual(EVENTS_TARGET);
      expect(workload.rollbacks).toBeGreaterThan(0);
      const complete = await eventually(() => small.length >= workload.committed.size && large.length >= workload.committed.size, 120_000);
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
      expect(complete, `seed ${seed}: subscribers got ${small.length} and ${large.length} of ${workload.committed.size}`).toBe(true);
      assertDeliveredExactlyOnceInOrder(small, workload);
      assertDeliveredExactlyOnceInOrder(large, workload);
      expect(large.map((event) => event.id)).toEqual(small.map((event) => event.id));
    });
  });
}
