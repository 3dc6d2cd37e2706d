import { describe, expect, it } from 'vitest';
import type { LogPosition } from '../../../domain/eventStore/index.js';
import { CatchUpPacer, type PacedReader } from './catchUpPacer.js';

/** Positions in any unit (here 1,000 apart, like EventStoreDB bytes): the pacer counts pages, not units. */
const page = (n: number): LogPosition => ({ commit: BigInt(n * 1000), prepare: BigInt(n * 1000) });
const FILTER = { streamPrefixes: ['PaymentIntent-'] };
const OTHER = { streamPrefixes: ['Store-'] };
const never = new AbortController().signal;

/** Resolves to 'waited' if `wait` is still pending after `ms`, else 'went'. */
async function outcome(wait: Promise<void>, ms = 30): Promise<'went' | 'waited'> {
  return Promise.race([
    wait.then(() => 'went' as const),
    new Promise<'waited'>((resolve) => {
      setTimeout(() => {
        resolve('waited');
      }, ms);
    }),
  ]);
}

/** `waiting` stays pending until `release` runs, then resolves. */
async function heldUntil(waiting: Promise<void>, release: () => void): Promise<void> {
  expect(await outcome(waiting)).toBe('waited');
  release();
  expect(await outcome(waiting)).toBe('went');
}

function readPages(reader: PacedReader, from: number, to: number): void {
  for (let n = from; n <= to; n += 1) reader.advanced(page(n));
}

describe('CatchUpPacer', () => {
  it('holds a reader more than leadPagesMax pages ahead of its slowest peer until the peer moves up', async () => {
    const pacer = new CatchUpPacer({ leadPagesMax: 2, reachPages: 10, staleMs: 10_000 });
    const fast = pacer.join(FILTER, page(0), () => true);
    const slow = pacer.join(FILTER, page(0), () => true);
    readPages(fast, 1, 2);
    expect(await outcome(fast.wait(never))).toBe('went');
    readPages(fast, 3, 4);
    const waiting = fast.wait(never);
    slow.advanced(page(1));
    await heldUntil(waiting, () => {
      slow.advanced(page(2));
    });
  });

  it('never holds the slowest reader, nor for peers of another filter, out of pace, gone or stale', async () => {
    let now = 0;
    const pacer = new CatchUpPacer({ leadPagesMax: 1, reachPages: 10, staleMs: 40, nowMs: () => now });
    const fast = pacer.join(FILTER, page(0), () => true);
    const slow = pacer.join(FILTER, page(0), () => true);
    pacer.join(OTHER, page(0), () => true);
    let pausedPacing = false;
    const paused = pacer.join(FILTER, page(0), () => pausedPacing);
    readPages(fast, 1, 5);
    readPages(slow, 1, 5);
    expect(await outcome(slow.wait(never))).toBe('went');
    expect(await outcome(fast.wait(never))).toBe('went');
    pausedPacing = true;
    await heldUntil(fast.wait(never), () => {
      paused.leave();
    });
    const stuck = pacer.join(FILTER, page(4), () => true);
    readPages(fast, 6, 7);
    readPages(slow, 6, 7);
    const held = fast.wait(never);
    expect(await outcome(held)).toBe('waited');
    now = 100;
    expect(await outcome(held, 100)).toBe('went');
    stuck.leave();
  });

  it('does not wait for a peer out of reach: too far behind, or behind where the catch-up began', async () => {
    const pacer = new CatchUpPacer({ leadPagesMax: 1, reachPages: 10, staleMs: 10_000 });
    const early = pacer.join(FILTER, page(10), () => true);
    readPages(early, 11, 40);
    const late = pacer.join(FILTER, page(15), () => true);
    pacer.join(FILTER, page(0), () => true);
    early.advanced(page(41));
    expect(await outcome(early.wait(never))).toBe('went');
    readPages(late, 16, 35);
    await heldUntil(early.wait(never), () => {
      late.advanced(page(40));
    });
  });

  it('ends a wait when its signal aborts', async () => {
    const pacer = new CatchUpPacer({ leadPagesMax: 0, reachPages: 10, staleMs: 10_000 });
    const fast = pacer.join(FILTER, page(0), () => true);
    pacer.join(FILTER, page(0), () => true);
    fast.advanced(page(1));
    const abort = new AbortController();
    await heldUntil(fast.wait(abort.signal), () => {
      abort.abort();
    });
  });
});
