/**
 * Group commit must batch concurrent callers (never exceeding its limits), give each caller its
 * own outcome, and when a whole batch fails, retry its requests alone so only the offender fails.
 */
import { describe, expect, it } from 'vitest';
import { GroupCommitter, type BatchOutcome } from './groupCommit.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('GroupCommitter', () => {
  it('batches callers released together, and those that arrive while a batch is in flight', async () => {
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, number>({
      inFlightMax: 1,
      batchRequestsMax: 10,
      batchWeightMax: 100,
      weigh: () => 1,
      run: async (requests) => {
        batches.push([...requests]);
        await tick();
        return requests.map((value) => ({ ok: true, value: value * 2 }));
      },
    });
    const lone = await committer.submit(100);
    expect(lone).toBe(200);
    expect(batches).toEqual([[100]]);
    const first = Array.from({ length: 12 }, (_, index) => committer.submit(index));
    await tick();
    const later = Array.from({ length: 13 }, (_, index) => committer.submit(12 + index));
    const results = await Promise.all([...first, ...later]);
    expect(results).toEqual(Array.from({ length: 25 }, (_, index) => index * 2));
    expect(batches[1]).toHaveLength(10);
    expect(batches.slice(1).every((batch) => batch.length <= 10)).toBe(true);
    expect(batches.length - 1).toBeLessThanOrEqual(4);
    expect(batches.slice(1).flat()).toEqual(Array.from({ length: 25 }, (_, index) => index));
  });

  it('respects the weight limit but still sends a single heavy request', async () => {
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, number>({
      inFlightMax: 1,
      batchRequestsMax: 10,
      batchWeightMax: 10,
      weigh: (value) => value,
      run: async (requests) => {
        batches.push([...requests]);
        await tick();
        return requests.map((value) => ({ ok: true, value }));
      },
    });
    await Promise.all([1, 6, 6, 30, 2].map((value) => committer.submit(value)));
    expect(batches.find((batch) => batch.includes(30))).toEqual([30]);
    for (const batch of batches) if (batch.length > 1) expect(batch.reduce((sum, value) => sum + value, 0)).toBeLessThanOrEqual(10);
    expect(batches.flat().sort((a, b) => a - b)).toEqual([1, 2, 6, 6, 30]);
  });

  it('splits the queue evenly over free slots', async () => {
    const sizes: number[] = [];
    const committer = new GroupCommitter<number, number>({
      inFlightMax: 4,
      batchRequestsMax: 64,
      batchWeightMax: 1_000,
      weigh: () => 1,
      run: async (requests) => {
        sizes.push(requests.length);
        await tick();
        return requests.map((value) => ({ ok: true, value }));
      },
    });
    await Promise.all(Array.from({ length: 16 }, (_, index) => committer.submit(index)));
    expect(sizes).toEqual([4, 4, 4, 4]);
  });

  it('never runs more batches at once than inFlightMax', async () => {
    let running = 0;
    let peak = 0;
    const committer = new GroupCommitter<number, number>({
      inFlightMax: 3,
      batchRequestsMax: 2,
      batchWeightMax: 100,
      weigh: () => 1,
      run: async (requests) => {
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        running -= 1;
        return requests.map((value) => ({ ok: true, value }));
      },
    });
    await Promise.all(Array.from({ length: 40 }, (_, index) => committer.submit(index)));
    expect(peak).toBe(3);
    await committer.drained();
  });

  it('gives each request its own outcome, and isolates a failing batch request by request', async () => {
    const sent: number[][] = [];
    const committer = new GroupCommitter<number, number>({
      inFlightMax: 1,
      batchRequestsMax: 10,
      batchWeightMax: 100,
      weigh: () => 1,
      run: async (requests): Promise<BatchOutcome<number>[]> => {
        sent.push([...requests]);
        await tick();
        if (requests.includes(13) && requests.length > 1) throw new Error('batch failed');
        if (requests.includes(13)) throw new Error('13 is bad');
        return requests.map((value) => (value % 5 === 0 ? { ok: false, error: new Error(`refused ${value}`) } : { ok: true, value }));
      },
    });
    const settled = await Promise.allSettled([1, 10, 11, 12, 13, 14].map((value) => committer.submit(value)));
    expect(settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : (outcome.reason as Error).message))).toEqual([1, 'refused 10', 11, 12, '13 is bad', 14]);
    expect(sent.filter((batch) => batch.length === 1).map((batch) => batch[0])).toEqual([1, 10, 11, 12, 13, 14]);
  });
});
