/** The folded-stream cache: remembered by revision, bounded, never moved back to an older revision, bypassed when fresh. */
import { describe, expect, it } from 'vitest';
import type { Loaded } from '../handleCommand.js';
import { FoldedStreamCache } from './tenancyCache.js';

/** A fake store: each stream's current revision; every load is counted. */
function streams(revisions: Record<string, number>) {
  const loads: string[] = [];
  const load = (stream: string): Promise<Loaded<string>> => {
    loads.push(stream);
    const revision = revisions[stream] ?? -1;
    return Promise.resolve({ state: `${stream}@${revision}`, revision, events: [] });
  };
  return { loads, load, revisions };
}

describe('FoldedStreamCache', () => {
  it('answers from memory with the revision it folded, and from the store when fresh', async () => {
    const fake = streams({ a: 3 });
    const cache = new FoldedStreamCache(fake.load);
    expect(await cache.read('a', false)).toEqual({ state: 'a@3', revision: 3, cached: false });
    fake.revisions.a = 4;
    expect(await cache.read('a', false)).toEqual({ state: 'a@3', revision: 3, cached: true });
    expect(await cache.read('a', true)).toEqual({ state: 'a@4', revision: 4, cached: false });
    expect(await cache.read('a', false)).toEqual({ state: 'a@4', revision: 4, cached: true });
    expect(fake.loads).toEqual(['a', 'a']);
  });

  it('never remembers an absent stream', async () => {
    const fake = streams({});
    const cache = new FoldedStreamCache(fake.load);
    await cache.read('missing', false);
    await cache.read('missing', false);
    expect(fake.loads).toEqual(['missing', 'missing']);
    expect(cache.size).toBe(0);
  });

  it('keeps at most entriesMax streams, dropping the oldest', async () => {
    const fake = streams({ a: 0, b: 0, c: 0 });
    const cache = new FoldedStreamCache(fake.load, 2);
    await cache.read('a', false);
    await cache.read('b', false);
    await cache.read('c', false);
    expect(cache.size).toBe(2);
    await cache.read('b', false);
    await cache.read('a', false);
    expect(fake.loads).toEqual(['a', 'b', 'c', 'a']);
  });

  it('a slow read of an older revision does not replace a newer one', async () => {
    let release: (() => void) | undefined;
    const revisions: Record<string, number> = { a: 1 };
    const cache = new FoldedStreamCache(async (stream: string): Promise<Loaded<string>> => {
      const revision = revisions[stream] ?? -1;
      if (revision === 1) await new Promise<void>((resolve) => (release = resolve));
      return { state: `${stream}@${revision}`, revision, events: [] };
    });
    const slow = cache.read('a', true);
    revisions.a = 2;
    await cache.read('a', true);
    release?.();
    await slow;
    expect(await cache.read('a', false)).toEqual({ state: 'a@2', revision: 2, cached: true });
  });
});
