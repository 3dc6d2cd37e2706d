/**
 * The creation window of a business-date range must contain every instant whose business date is
 * in the range (else a filtered list would silently miss intents): checked against the domain's
 * own business date, in the extreme zones (UTC−12, UTC+14, half-hour and DST zones), any cut-off,
 * and across a schedule change.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, businessDate, createdWindowOfBusinessDates, storeBusinessDate, type BusinessDaySchedule } from './index.js';

const zones = [
  'Etc/GMT+12',
  'Pacific/Pago_Pago',
  'America/St_Johns',
  'America/New_York',
  'UTC',
  'Asia/Kolkata',
  'Asia/Tokyo',
  'Australia/Lord_Howe',
  'Pacific/Kiritimati',
  'Etc/GMT-14',
];
const instants = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }).map((ms) => new Date(ms).toISOString());
const cutoffs = fc.integer({ min: 0, max: 1439 });

function contains(from: string, to: string, instant: string): boolean {
  const window = createdWindowOfBusinessDates(from, to);
  const ms = Date.parse(instant);
  return (window.createdFrom === undefined || window.createdFrom.getTime() <= ms) && (window.createdBefore === undefined || ms < window.createdBefore.getTime());
}

describe('createdWindowOfBusinessDates', () => {
  it('is two days before the first date and four after the last, UTC', () => {
    expect(createdWindowOfBusinessDates('2025-06-01', '2025-06-03')).toEqual({
      createdFrom: new Date('2025-05-30T00:00:00.000Z'),
      createdBefore: new Date('2025-06-07T00:00:00.000Z'),
    });
    expect(createdWindowOfBusinessDates(undefined, undefined)).toEqual({});
    expect(createdWindowOfBusinessDates('2025-06-01', undefined)).toEqual({ createdFrom: new Date('2025-05-30T00:00:00.000Z') });
  });

  it('contains every instant whose business date is in the range, in any zone with any cut-off', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...zones), cutoffs, (instant, zone, cutoff) => {
        const date = businessDate(instant, zone, cutoff);
        expect(contains(date, date, instant)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('contains them across a schedule change too (capped days)', () => {
    fc.assert(
      fc.property(
        instants,
        fc.constantFrom(...zones),
        cutoffs,
        fc.constantFrom(...zones),
        cutoffs,
        fc.integer({ min: -2, max: 2 }),
        (instant, zone, cutoff, nextZone, nextCutoff, shift) => {
          const opening = businessDate(instant, zone, cutoff);
          const schedule: BusinessDaySchedule = [
            { effectiveFromBusinessDate: addDays(opening, -10), timeZone: zone, cutoffMinutes: cutoff },
            { effectiveFromBusinessDate: addDays(opening, shift), timeZone: nextZone, cutoffMinutes: nextCutoff },
          ];
          const date = storeBusinessDate(schedule, instant);
          expect(contains(date, date, instant)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('starts before the business date itself: at UTC+14 an instant of one UTC day belongs to the next', () => {
    const instant = '2025-06-01T23:30:00.000Z'; // 13:30 on 2025-06-02 in Kiritimati
    const date = businessDate(instant, 'Pacific/Kiritimati', 0);
    expect(date).toBe('2025-06-02');
    expect(Date.parse(instant)).toBeLessThan(Date.parse(`${date}T00:00:00Z`));
    expect(contains(date, date, instant)).toBe(true);
  });
});
