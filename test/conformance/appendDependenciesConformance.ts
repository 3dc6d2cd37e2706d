import { describe, expect, it } from 'vitest';
import { InvalidAppendError, WrongExpectedVersionError, comparePositions } from '../../domain/eventStore/index.js';
import type { ConformanceHarness } from './harness.js';
import { newEvents, sleep, uniquePrefix } from './harness.js';

/**
 * Appends that depend on other streams (`consistentWith`, docs/event-store.md "Appends that
 * depend on other streams"): the append commits only if each stream its decision read is still at
 * the revision read, and a write of such a stream that commits while the append runs either
 * refuses the append or comes after it in the log — never a decision on a state already replaced.
 */
export function describeAppendDependenciesConformance(harnessOf: () => ConformanceHarness): void {
  describe('appends that depend on other streams', () => {
    it('commit when every stream read is still at its revision, an absent one included', async () => {
      const prefix = uniquePrefix('depends');
      const { store } = harnessOf();
      await store.append(`${prefix}tenancy`, newEvents(2), { kind: 'no_stream' });
      const result = await store.append(
        `${prefix}intent`,
        newEvents(1),
        { kind: 'no_stream' },
        {
          consistentWith: [
            { stream: `${prefix}tenancy`, revision: 1 },
            { stream: `${prefix}absent`, revision: -1 },
          ],
        },
      );
      expect(result).toMatchObject({ nextExpectedRevision: 0, replayed: false });
    });

    it('are refused, writing nothing, once a stream read has moved; the error names that stream', async () => {
      const prefix = uniquePrefix('moved');
      const { store } = harnessOf();
      await store.append(`${prefix}tenancy`, newEvents(2), { kind: 'no_stream' });
      const stale = store.append(`${prefix}intent`, newEvents(1), { kind: 'no_stream' }, { consistentWith: [{ stream: `${prefix}tenancy`, revision: 0 }] });
      await expect(stale).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(stale).rejects.toMatchObject({ stream: `${prefix}tenancy`, expected: { kind: 'exact', revision: 0 }, actualRevision: 1 });
      await store.append(`${prefix}created`, newEvents(1), { kind: 'no_stream' });
      await expect(store.append(`${prefix}intent`, newEvents(1), { kind: 'no_stream' }, { consistentWith: [{ stream: `${prefix}created`, revision: -1 }] })).rejects.toMatchObject({
        stream: `${prefix}created`,
        expected: { kind: 'no_stream' },
        actualRevision: 0,
      });
      expect(await store.readStream(`${prefix}intent`, { maxCount: 10 })).toEqual([]);
    });

    it('a re-sent append replays even after a stream it depended on moved (the original held)', async () => {
      const prefix = uniquePrefix('dependsretry');
      const { store } = harnessOf();
      await store.append(`${prefix}tenancy`, newEvents(1), { kind: 'no_stream' });
      const events = newEvents(2);
      const options = { consistentWith: [{ stream: `${prefix}tenancy`, revision: 0 }] };
      const first = await store.append(`${prefix}intent`, events, { kind: 'no_stream' }, options);
      await store.append(`${prefix}tenancy`, newEvents(1), { kind: 'exact', revision: 0 });
      await expect(store.append(`${prefix}intent`, events, { kind: 'no_stream' }, options)).resolves.toEqual({ ...first, replayed: true });
    });

    it('a write of a stream read, committing meanwhile, refuses the append or follows it in the log', async () => {
      const prefix = uniquePrefix('dependsrace');
      const harness = harnessOf();
      await harness.store.append(`${prefix}tenancy`, newEvents(1), { kind: 'no_stream' });
      const change = harness.appendHeld(`${prefix}tenancy`, newEvents(1), { kind: 'exact', revision: 0 }, 400, 'commit');
      await sleep(100);
      const outcome = await harness.store.append(`${prefix}intent`, newEvents(1), { kind: 'no_stream' }, { consistentWith: [{ stream: `${prefix}tenancy`, revision: 0 }] }).then(
        (result) => result,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
      await change;
      const [changed] = await harness.store.readStream(`${prefix}tenancy`, { fromRevision: 1, maxCount: 1 });
      if (outcome instanceof Error) {
        expect(outcome).toMatchObject({ name: 'WrongExpectedVersionError', stream: `${prefix}tenancy`, actualRevision: 1 });
      } else {
        expect(changed).toBeDefined();
        expect(comparePositions(outcome.position, changed!.position)).toBeLessThan(0);
      }
    });

    it('refuse a dependency on the appended stream itself or a revision below −1', async () => {
      const prefix = uniquePrefix('dependsinvalid');
      const { store } = harnessOf();
      await expect(store.append(`${prefix}a`, newEvents(1), { kind: 'any' }, { consistentWith: [{ stream: `${prefix}a`, revision: 0 }] })).rejects.toBeInstanceOf(
        InvalidAppendError,
      );
      await expect(store.append(`${prefix}a`, newEvents(1), { kind: 'any' }, { consistentWith: [{ stream: `${prefix}b`, revision: -2 }] })).rejects.toBeInstanceOf(
        InvalidAppendError,
      );
      expect(await store.readStream(`${prefix}a`, { maxCount: 10 })).toEqual([]);
    });
  });
}
