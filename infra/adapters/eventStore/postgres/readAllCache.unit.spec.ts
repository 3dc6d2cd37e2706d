import { describe, expect, it } from 'vitest';
import type { ReadAllResult } from '../../../../domain/eventStore/index.js';
import { ReadAllCache, type PageRead } from './readAllCache.js';

const page = (n: number, full: boolean): PageRead => ({ result: { events: [], checkpoint: { commit: BigInt(n), prepare: 0n } }, full });

function counter(result: (call: number) => PageRead | Error): { load: () => Promise<PageRead>; calls: () => number } {
  let calls = 0;
  return {
    load: () => {
      calls += 1;
      const outcome = result(calls);
      return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
    },
    calls: () => calls,
  };
}

describe('ReadAllCache', () => {
  it('serves a full page again without reading it again', async () => {
    const cache = new ReadAllCache(4);
    const source = counter((call) => page(call, true));
    const first = await cache.read('a', source.load);
    const second = await cache.read('a', source.load);
    expect(second).toBe(first);
    expect(source.calls()).toBe(1);
  });

  it('forgets a short page (the live tail), so the next read sees newer events', async () => {
    const cache = new ReadAllCache(4);
    const source = counter((call) => page(call, false));
    const first: ReadAllResult = await cache.read('a', source.load);
    const second = await cache.read('a', source.load);
    expect(second.checkpoint).not.toEqual(first.checkpoint);
    expect(source.calls()).toBe(2);
  });

  it('shares a read in flight, and never keeps a failure', async () => {
    const cache = new ReadAllCache(4);
    const source = counter((call) => (call === 1 ? new Error('database restarting') : page(call, true)));
    const both = await Promise.allSettled([cache.read('a', source.load), cache.read('a', source.load)]);
    expect(both.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(source.calls()).toBe(1);
    expect((await cache.read('a', source.load)).checkpoint).toEqual({ commit: 2n, prepare: 0n });
  });

  it('keeps at most `capacity` pages, dropping the oldest', async () => {
    const cache = new ReadAllCache(2);
    const source = counter((call) => page(call, true));
    for (const key of ['a', 'b', 'c']) await cache.read(key, source.load);
    await cache.read('c', source.load);
    await cache.read('a', source.load);
    expect(source.calls()).toBe(4);
  });

  it('forgets pages after their time to live, so a finished rebuild does not hold memory', async () => {
    let now = 0;
    const cache = new ReadAllCache(4, 1000, () => now);
    const source = counter((call) => page(call, true));
    await cache.read('a', source.load);
    now = 999;
    await cache.read('a', source.load);
    expect(source.calls()).toBe(1);
    now = 1001;
    await cache.read('a', source.load);
    expect(source.calls()).toBe(2);
  });
});
