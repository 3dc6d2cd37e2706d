import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessDate } from '../../domain/tenancy/index.js';
import { BusinessDateMemo, utcMinuteOf } from './businessDateMemo.js';

const zones = ['Asia/Tokyo', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Chatham', 'UTC'];

describe('BusinessDateMemo', () => {
  it('property: every instant of a UTC minute has the business date of the minute\'s first instant (DST and odd offsets included)', () => {
    const minuteStart = fc.integer({ min: Date.UTC(1990, 0, 1) / 60_000, max: Date.UTC(2060, 0, 1) / 60_000 }).map((minute) => minute * 60_000);
    fc.assert(
      fc.property(minuteStart, fc.integer({ min: 0, max: 59_999 }), fc.constantFrom(...zones), fc.integer({ min: 0, max: 1439 }), (start, offsetMs, zone, cutoff) => {
        const first = new Date(start).toISOString();
        const later = new Date(start + offsetMs).toISOString();
        expect(utcMinuteOf(later)).toBe(utcMinuteOf(first));
        expect(businessDate(later, zone, cutoff)).toBe(businessDate(first, zone, cutoff));
      }),
      { numRuns: 500 },
    );
  });

  it('asks once per store and minute, and again after forget()', () => {
    const asked: string[] = [];
    const memo = new BusinessDateMemo((storeId, instant) => {
      asked.push(`${storeId} ${instant}`);
      return businessDate(instant, 'Asia/Tokyo', 300);
    });
    expect(memo.businessDate('str_a', '2025-06-01T19:30:05.000Z')).toBe('2025-06-01');
    expect(memo.businessDate('str_a', '2025-06-01T19:30:59.999Z')).toBe('2025-06-01');
    expect(memo.businessDate('str_b', '2025-06-01T19:30:10.000Z')).toBe('2025-06-01');
    expect(memo.businessDate('str_a', '2025-06-01T20:00:00.000Z')).toBe('2025-06-02');
    memo.forget();
    memo.businessDate('str_a', '2025-06-01T19:30:30.000Z');
    expect(asked).toEqual(['str_a 2025-06-01T19:30:05.000Z', 'str_b 2025-06-01T19:30:10.000Z', 'str_a 2025-06-01T20:00:00.000Z', 'str_a 2025-06-01T19:30:30.000Z']);
  });

  it('does not bucket instants written with an offset', () => {
    expect(utcMinuteOf('2025-06-01T19:30:05+09:00')).toBe('2025-06-01T19:30:05+09:00');
  });
});
