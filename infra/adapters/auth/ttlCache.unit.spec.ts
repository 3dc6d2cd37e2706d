/** The auth cache: an entry lives at most `ttlMs` on the given clock, the size is bounded, and a clock that goes backwards expires entries. */
import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttlCache.js';

function cacheAt(startMs: number, entriesMax = 10) {
  let nowMs = startMs;
  let loads = 0;
  const cache = new TtlCache<number>({ entriesMax, ttlMs: 1_000, now: () => new Date(nowMs) });
  const load = (value: number) => () => {
    loads += 1;
    return Promise.resolve(value);
  };
  return { cache, load, setNow: (ms: number) => (nowMs = ms), loads: () => loads };
}

describe('TtlCache', () => {
  it('serves a loaded value until the TTL, then loads again', async () => {
    const { cache, load, setNow, loads } = cacheAt(10_000);
    expect(await cache.get('a', load(1))).toBe(1);
    setNow(10_999);
    expect(await cache.get('a', load(2))).toBe(1);
    setNow(11_000);
    expect(await cache.get('a', load(3))).toBe(3);
    expect(loads()).toBe(2);
  });

  it('expires an entry when the clock goes backwards', async () => {
    const { cache, load, setNow } = cacheAt(10_000);
    await cache.get('a', load(1));
    setNow(9_000);
    expect(await cache.get('a', load(2))).toBe(2);
  });

  it('evicts the oldest entry beyond the bound', async () => {
    const { cache, load, loads } = cacheAt(10_000, 2);
    await cache.get('a', load(1));
    await cache.get('b', load(2));
    await cache.get('c', load(3));
    expect(await cache.get('b', load(20))).toBe(2);
    expect(await cache.get('a', load(10))).toBe(10);
    expect(loads()).toBe(4);
  });
});
