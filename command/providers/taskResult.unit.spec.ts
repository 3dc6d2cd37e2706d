import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffMs, cancelWindowEndsAt } from './taskResult.js';

describe('cancelWindowEndsAt (PayPay: until 00:14:59 JST the day after the payment)', () => {
  it('is 00:14:59 JST of the next JST day', () => {
    // 2026-12-07 10:00 JST (01:00 UTC) → 2026-12-08 00:14:59 JST = 2026-12-07 15:14:59 UTC
    expect(cancelWindowEndsAt('2026-12-07T01:00:00.000Z').toISOString()).toBe('2026-12-07T15:14:59.000Z');
    // 23:59 JST on the 7th (14:59 UTC) still closes at 00:14:59 JST on the 8th
    expect(cancelWindowEndsAt('2026-12-07T14:59:00.000Z').toISOString()).toBe('2026-12-07T15:14:59.000Z');
    // 00:30 JST on the 8th (15:30 UTC on the 7th) belongs to the 8th: closes 00:14:59 JST on the 9th
    expect(cancelWindowEndsAt('2026-12-07T15:30:00.000Z').toISOString()).toBe('2026-12-08T15:14:59.000Z');
  });

  it('always ends between 15 minutes and 24 h 15 min after the payment', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }), (ms) => {
        const end = cancelWindowEndsAt(new Date(ms).toISOString()).getTime();
        return end - ms > 14 * 60_000 && end - ms <= 24 * 3_600_000 + 15 * 60_000;
      }),
    );
  });
});

describe('backoffMs', () => {
  it('starts at 2 s, grows, and never exceeds 60 s', () => {
    expect(backoffMs(0)).toBe(2_000);
    expect(backoffMs(1)).toBe(3_000);
    expect(backoffMs(2)).toBe(5_000);
    expect(backoffMs(40)).toBe(60_000);
    for (let attempts = 1; attempts < 30; attempts += 1) expect(backoffMs(attempts)).toBeGreaterThanOrEqual(backoffMs(attempts - 1));
  });
});
