import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, RecordedEvent } from '../../domain/eventStore/index.js';
import { EventIdConflictError, GENESIS_HASH, InvalidAppendError, WrongExpectedVersionError, comparePositions } from '../../domain/eventStore/index.js';
import { verifyLog, verifyStream } from '../../infra/adapters/eventStore/hashChain.js';
import { describeAppendDependenciesConformance } from './appendDependenciesConformance.js';
import { describeGlobalOrderConformance } from './globalOrderConformance.js';
import type { ConformanceHarness, HarnessFactory } from './harness.js';
import { newEvent, newEvents, uniquePrefix } from './harness.js';

/**
 * The event-store contract of ARCHITECTURE.md §4. Every adapter runs this suite unchanged:
 * appends and expectations, idempotent re-appends, stream reads, whole-log reads with filters,
 * catch-up subscriptions, the hash chain, and (in globalOrderConformance) the global order
 * under concurrent writers with think time and rollbacks.
 */
export function describeEventStoreConformance(adapter: string, createHarness: HarnessFactory): void {
  describe(`event store conformance: ${adapter}`, () => {
    let harness: ConformanceHarness;
    let store: EventStore;
    beforeAll(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterAll(async () => {
      await harness.close();
    });

    describe('append and expected revision', () => {
      it('creates a stream with no_stream and numbers its events from 0', async () => {
        const stream = `${uniquePrefix('create')}1`;
        const events = newEvents(3);
        const result = await store.append(stream, events, { kind: 'no_stream' });
        expect(result).toMatchObject({ nextExpectedRevision: 2, replayed: false });
        const read = await store.readStream(stream, { maxCount: 10 });
        expect(read.map((event) => [event.id, event.revision, event.stream])).toEqual(events.map((event, index) => [event.id, index, stream]));
        expect(read.at(-1)?.position).toEqual(result.position);
      });

      it('stores every field: type, schema version, data, metadata, recordedAt', async () => {
        const stream = `${uniquePrefix('fields')}1`;
        const event = newEvent(
          'PaymentIntentCreated',
          { amountMinor: 1200, currency: 'JPY', lines: [{ sku: 'a', qty: 2 }], note: '円 ✓', none: null },
          {
            correlationId: 'corr-1',
            causationId: 'cause-1',
            traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
            actor: 'terminal:trm_1',
            idempotencyKey: 'key-1',
          },
        );
        await store.append(stream, [{ ...event, schemaVersion: 3 }], { kind: 'any' });
        const [stored] = await store.readStream(stream, { maxCount: 1 });
        expect(stored).toMatchObject({ id: event.id, type: 'PaymentIntentCreated', schemaVersion: 3, data: event.data, metadata: event.metadata });
        expect(stored?.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      });

      it.each([
        ['no_stream on an existing stream', { kind: 'no_stream' } as const, 1],
        ['exact revision 0 when the stream is at 1', { kind: 'exact', revision: 0 } as const, 1],
        ['exact revision 5 when the stream is at 1', { kind: 'exact', revision: 5 } as const, 1],
      ])('refuses %s with WrongExpectedVersion carrying the actual revision, writing nothing', async (_, expected, actual) => {
        const stream = `${uniquePrefix('wrong')}1`;
        await store.append(stream, newEvents(2), { kind: 'no_stream' });
        const attempt = newEvents(1);
        const error = await store.append(stream, attempt, expected).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ stream, actualRevision: actual, expected });
        expect(await store.readStream(stream, { maxCount: 10 })).toHaveLength(2);
      });

      it('refuses stream_exists and exact on a missing stream with actual revision -1', async () => {
        const stream = `${uniquePrefix('missing')}1`;
        await expect(store.append(stream, newEvents(1), { kind: 'stream_exists' })).rejects.toMatchObject({ name: 'WrongExpectedVersionError', actualRevision: -1 });
        await expect(store.append(stream, newEvents(1), { kind: 'exact', revision: 0 })).rejects.toMatchObject({ actualRevision: -1 });
        expect(await store.readStream(stream, { maxCount: 10 })).toEqual([]);
      });

      it('accepts any, stream_exists and the exact current revision', async () => {
        const stream = `${uniquePrefix('accept')}1`;
        expect((await store.append(stream, newEvents(1), { kind: 'any' })).nextExpectedRevision).toBe(0);
        expect((await store.append(stream, newEvents(2), { kind: 'stream_exists' })).nextExpectedRevision).toBe(2);
        expect((await store.append(stream, newEvents(1), { kind: 'exact', revision: 2 })).nextExpectedRevision).toBe(3);
        expect((await store.append(stream, newEvents(1), { kind: 'any' })).nextExpectedRevision).toBe(4);
      });

      it('refuses invalid appends before writing anything', async () => {
        const stream = `${uniquePrefix('invalid')}1`;
        const good = newEvent();
        const cases = [
          store.append(stream, [], { kind: 'any' }),
          store.append(stream, [good, { ...newEvent(), id: 'not-a-uuid' }], { kind: 'any' }),
          store.append(stream, [good, good], { kind: 'any' }),
          store.append(stream, [good, newEvent('T', { text: 'nul\u0000' })], { kind: 'any' }),
          store.append(stream, [good, newEvent('T', { n: Number.NaN })], { kind: 'any' }),
          store.append('has space', [good], { kind: 'any' }),
          store.append(stream, [good], { kind: 'exact', revision: -3 }),
        ];
        for (const attempt of cases) await expect(attempt).rejects.toBeInstanceOf(InvalidAppendError);
        expect(await store.readStream(stream, { maxCount: 10 })).toEqual([]);
      });
    });

    describe('idempotent re-append', () => {
      it.each([['no_stream'], ['any'], ['exact']] as const)('re-sending the same ids with %s returns the original result, once', async (kind) => {
        const stream = `${uniquePrefix('retry')}1`;
        await store.append(stream, newEvents(1), { kind: 'no_stream' });
        const events = newEvents(3);
        const expected = kind === 'exact' ? ({ kind, revision: 0 } as const) : kind === 'any' ? ({ kind } as const) : ({ kind: 'stream_exists' } as const);
        const first = await store.append(stream, events, expected);
        const again = await store.append(stream, events, expected);
        expect(again).toEqual({ ...first, replayed: true });
        expect(await store.readStream(stream, { maxCount: 10 })).toHaveLength(4);
      });

      it('a retry of a no_stream creation replays instead of failing', async () => {
        const stream = `${uniquePrefix('retrycreate')}1`;
        const events = newEvents(2);
        const first = await store.append(stream, events, { kind: 'no_stream' });
        await expect(store.append(stream, events, { kind: 'no_stream' })).resolves.toEqual({ ...first, replayed: true });
      });

      it('refuses ids already used partially or in another stream, writing nothing', async () => {
        const prefix = uniquePrefix('idconflict');
        const events = newEvents(2);
        await store.append(`${prefix}a`, events, { kind: 'no_stream' });
        await expect(store.append(`${prefix}b`, events, { kind: 'any' })).rejects.toBeInstanceOf(EventIdConflictError);
        await expect(store.append(`${prefix}a`, [events[0]!, newEvent()], { kind: 'any' })).rejects.toBeInstanceOf(EventIdConflictError);
        expect(await store.readStream(`${prefix}b`, { maxCount: 10 })).toEqual([]);
        expect(await store.readStream(`${prefix}a`, { maxCount: 10 })).toHaveLength(2);
      });

      it('50 concurrent identical appends write the events once and all succeed', async () => {
        const stream = `${uniquePrefix('retrystorm')}1`;
        const events = newEvents(2);
        const results = await Promise.all(Array.from({ length: 50 }, () => store.append(stream, events, { kind: 'no_stream' })));
        expect(results.filter((result) => !result.replayed)).toHaveLength(1);
        expect(new Set(results.map((result) => result.nextExpectedRevision))).toEqual(new Set([1]));
        expect(await store.readStream(stream, { maxCount: 10 })).toHaveLength(2);
      });
    });

    describe('concurrent writers on streams', () => {
      it('one stream conflict does not fail the other appends sent at the same moment', async () => {
        const prefix = uniquePrefix('isolate');
        await Promise.all(Array.from({ length: 40 }, (_, index) => store.append(`${prefix}${index}`, newEvents(1), { kind: 'no_stream' })));
        const attempts = Array.from({ length: 40 }, (_, index) =>
          store.append(`${prefix}${index}`, newEvents(1), index % 4 === 0 ? { kind: 'exact', revision: 7 } : { kind: 'exact', revision: 0 }),
        );
        const settled = await Promise.allSettled(attempts);
        settled.forEach((outcome, index) => {
          if (index % 4 === 0) expect(outcome).toMatchObject({ status: 'rejected', reason: { name: 'WrongExpectedVersionError', actualRevision: 0 } });
          else expect(outcome).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 1 } });
        });
      });

      it('of 20 writers racing on one expected revision exactly one wins', async () => {
        const stream = `${uniquePrefix('race')}1`;
        await store.append(stream, newEvents(1), { kind: 'no_stream' });
        const settled = await Promise.allSettled(Array.from({ length: 20 }, () => store.append(stream, newEvents(1), { kind: 'exact', revision: 0 })));
        expect(settled.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect(settled.filter((outcome) => outcome.status === 'rejected' && outcome.reason instanceof WrongExpectedVersionError)).toHaveLength(19);
        expect(await store.readStream(stream, { maxCount: 10 })).toHaveLength(2);
      });
    });

    describe('reading a stream', () => {
      it('reads forwards and backwards with limits and a start revision', async () => {
        const stream = `${uniquePrefix('read')}1`;
        await store.append(stream, newEvents(10), { kind: 'no_stream' });
        const revisions = (events: readonly RecordedEvent[]): number[] => events.map((event) => event.revision);
        expect(revisions(await store.readStream(stream, { maxCount: 3 }))).toEqual([0, 1, 2]);
        expect(revisions(await store.readStream(stream, { fromRevision: 8, maxCount: 5 }))).toEqual([8, 9]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards', maxCount: 3 }))).toEqual([9, 8, 7]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards', fromRevision: 1, maxCount: 5 }))).toEqual([1, 0]);
        expect(await store.readStream(`${stream}-nope`, { maxCount: 5 })).toEqual([]);
      });
    });

    describe('numeric order beyond one digit', () => {
      it('reads a 120-event stream in revision order both ways (not 0, 1, 10, 100, …)', async () => {
        const stream = `${uniquePrefix('long')}1`;
        await store.append(stream, newEvents(60), { kind: 'no_stream' });
        await store.append(stream, newEvents(60), { kind: 'exact', revision: 59 });
        const forwards = await store.readStream(stream, { maxCount: 200 });
        expect(forwards.map((event) => event.revision)).toEqual(Array.from({ length: 120 }, (_, index) => index));
        const backwards = await store.readStream(stream, { direction: 'backwards', fromRevision: 105, maxCount: 10 });
        expect(backwards.map((event) => event.revision)).toEqual([105, 104, 103, 102, 101, 100, 99, 98, 97, 96]);
        expect(await verifyStream(store, stream)).toMatchObject({ ok: true, eventsChecked: 120 });
      });

      it('pages the whole log in numeric position order across many transactions, missing nothing', async () => {
        const prefix = uniquePrefix('digits');
        const from = await store.headPosition();
        const written: string[] = [];
        for (let index = 0; index < 120; index += 1) {
          const events = newEvents(1 + (index % 3));
          written.push(...events.map((event) => event.id));
          await store.append(`${prefix}${index}`, events, { kind: 'no_stream' });
        }
        await expect.poll(async () => comparePositions(await store.headPosition(), from), { timeout: 10_000 }).toBe(1);
        const seen: RecordedEvent[] = [];
        let position = from;
        for (let page = 0; page < 500; page += 1) {
          const result = await store.readAll({ from: position, maxCount: 7 });
          seen.push(...result.events.filter((event) => event.stream.startsWith(prefix)));
          if (comparePositions(result.checkpoint, position) === 0) break;
          position = result.checkpoint;
        }
        expect(seen.map((event) => event.id)).toEqual(written);
        for (let index = 1; index < seen.length; index += 1) expect(comparePositions(seen[index - 1]!.position, seen[index]!.position)).toBe(-1);
      });
    });

    describe('reading the whole log', () => {
      it('returns committed events in log order, page by page, each once', async () => {
        const prefix = uniquePrefix('all');
        const from = await store.headPosition();
        const written: string[] = [];
        for (let index = 0; index < 5; index += 1) {
          const events = newEvents(3);
          written.push(...events.map((event) => event.id));
          await store.append(`${prefix}${index}`, events, { kind: 'no_stream' });
        }
        await expect.poll(async () => comparePositions(await store.headPosition(), from), { timeout: 10_000 }).toBe(1);
        await expect.poll(async () => (await store.readAll({ from, maxCount: 100, filter: { streamPrefixes: [prefix] } })).events.length, { timeout: 10_000 }).toBe(15);
        const seen: RecordedEvent[] = [];
        let position = from;
        for (let page = 0; page < 20; page += 1) {
          const result = await store.readAll({ from: position, maxCount: 4, filter: { streamPrefixes: [prefix] } });
          seen.push(...result.events);
          if (comparePositions(result.checkpoint, position) === 0) break;
          position = result.checkpoint;
        }
        expect(seen.map((event) => event.id)).toEqual(written);
        for (let index = 1; index < seen.length; index += 1) expect(comparePositions(seen[index - 1]!.position, seen[index]!.position)).toBe(-1);
      });

      it('filters on event type and stream prefix, and moves the checkpoint past what does not match', async () => {
        const prefix = uniquePrefix('filter');
        const from = await store.headPosition();
        await store.append(`${prefix}x`, [newEvent('Kept'), newEvent('Dropped'), newEvent('Kept')], { kind: 'no_stream' });
        await store.append(`${prefix}y`, [newEvent('Dropped')], { kind: 'no_stream' });
        // Visible once every older transaction in the cluster has ended: poll, do not assume.
        const kept = async () => (await store.readAll({ from, maxCount: 100, filter: { eventTypes: ['Kept'], streamPrefixes: [] } })).events;
        await expect.poll(async () => (await kept()).filter((event) => event.stream.startsWith(prefix)).map((event) => event.type), { timeout: 10_000 }).toEqual(['Kept', 'Kept']);
        const byPrefix = await store.readAll({ from, maxCount: 100, filter: { streamPrefixes: [`${prefix}y`] } });
        expect(byPrefix.events.map((event) => event.stream)).toEqual([`${prefix}y`]);
        await expect.poll(async () => (await store.readAll({ from, maxCount: 100, filter: { streamPrefixes: [`${prefix}y`] } })).events.length, { timeout: 10_000 }).toBe(1);
        const none = await store.readAll({ from, maxCount: 100, filter: { eventTypes: ['NoSuchType'] } });
        expect(none.events).toEqual([]);
        expect(comparePositions(none.checkpoint, from)).toBe(1);
        expect(comparePositions(none.checkpoint, await store.headPosition())).toBe(0);
      });
    });

    describe('catch-up subscription', () => {
      it('delivers history, turns live without a gap, each event once and in order', async () => {
        const prefix = uniquePrefix('subscribe');
        const from = await store.headPosition();
        const written: string[] = [];
        const write = async (index: number): Promise<void> => {
          const events = newEvents(2);
          written.push(...events.map((event) => event.id));
          await store.append(`${prefix}${index}`, events, { kind: 'no_stream' });
        };
        for (let index = 0; index < 30; index += 1) await write(index);
        const received: RecordedEvent[] = [];
        const subscription = store.subscribe({
          from,
          filter: { streamPrefixes: [prefix] },
          batchSizeMax: 7,
          onEvents: async (events) => {
            received.push(...events);
          },
        });
        await subscription.caughtUp();
        expect(received).toHaveLength(60);
        expect(subscription.state).toBe('live');
        for (let index = 30; index < 60; index += 1) await write(index);
        await expect.poll(() => received.length, { timeout: 10_000 }).toBe(120);
        await subscription.stop();
        expect(subscription.state).toBe('stopped');
        expect(received.map((event) => event.id)).toEqual(written);
      });

      it('stops in state failed when the handler throws, without advancing past the failed batch', async () => {
        const prefix = uniquePrefix('subfail');
        const from = await store.headPosition();
        await store.append(`${prefix}1`, newEvents(3), { kind: 'no_stream' });
        let failure: unknown;
        const subscription = store.subscribe({
          from,
          filter: { streamPrefixes: [prefix] },
          batchSizeMax: 100,
          onEvents: () => Promise.reject(new Error('projection broke')),
          onError: (error) => {
            failure = error;
          },
        });
        await expect.poll(() => subscription.state, { timeout: 10_000 }).toBe('failed');
        expect(failure).toBeInstanceOf(Error);
        expect(subscription.checkpoint).toEqual(from);
        await subscription.stop();
      });
    });

    describe('hash chain', () => {
      it('chains every event of a stream to the previous one and verifies', async () => {
        const stream = `${uniquePrefix('chain')}1`;
        await store.append(stream, newEvents(3), { kind: 'no_stream' });
        await store.append(stream, newEvents(2), { kind: 'exact', revision: 2 });
        const events = await store.readStream(stream, { maxCount: 10 });
        expect(events[0]?.prevHash).toBe(GENESIS_HASH);
        events.slice(1).forEach((event, index) => {
          expect(event.prevHash).toBe(events[index]?.hash);
        });
        expect(new Set(events.map((event) => event.hash)).size).toBe(5);
        expect(await verifyStream(store, stream)).toEqual({ ok: true, streamsChecked: 1, eventsChecked: 5 });
      });

      it('verifies the whole log from the start', async () => {
        const report = await verifyLog(store);
        expect(report.ok).toBe(true);
        expect(report.eventsChecked).toBeGreaterThan(100);
      });

      it('reports the first tampered event of a stream and of the log', async (context) => {
        if (harness.tamper === undefined) {
          context.skip('this store cannot be changed behind its back');
          return;
        }
        const prefix = uniquePrefix('tamper');
        const stream = `${prefix}1`;
        await store.append(stream, newEvents(4), { kind: 'no_stream' });
        await harness.tamper(stream, 2);
        const report = await verifyStream(store, stream);
        expect(report).toMatchObject({ ok: false, eventsChecked: 2, firstBreak: { stream, revision: 2, reason: 'hash_mismatch' } });
        const logReport = await verifyLog(store, { streamPrefixes: [prefix] });
        expect(logReport.firstBreak).toMatchObject({ stream, revision: 2, reason: 'hash_mismatch' });
      });
    });

    describeAppendDependenciesConformance(() => harness);
    describeGlobalOrderConformance(() => harness);
  });
}
