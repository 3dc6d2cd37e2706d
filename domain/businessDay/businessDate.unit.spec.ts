/**
 * businessDate(). Proves the definition — business day D runs from the cut-off on local calendar
 * date D to the cut-off on D+1 — around local midnight and around the cut-off, in a zone without
 * DST (Asia/Tokyo) and in zones with DST (America/New_York, Europe/London, Australia/Lord_Howe
 * with its 30-minute shift, Asia/Magadan with a 2-hour one): when the clock skips forward past the
 * cut-off the new day starts at the jump, and when it is set back over the cut-off the business
 * date does not go back with it. Two properties: fixed-offset zones agree with plain UTC
 * arithmetic, and around every fall-back transition the business date never decreases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, businessDate, isBusinessDate, isValidTimeZone } from './businessDate.js';

describe('businessDate', () => {
  describe('Asia/Tokyo (UTC+9, no DST)', () => {
    it.each([
      ['the last second before local midnight', '2024-06-01T14:59:59Z', 0, '2024-06-01'],
      ['local midnight', '2024-06-01T15:00:00Z', 0, '2024-06-02'],
      ['local midnight with a 04:00 cut-off', '2024-06-01T15:00:00Z', 240, '2024-06-01'],
      ['the last millisecond before a 04:00 cut-off', '2024-06-01T18:59:59.999Z', 240, '2024-06-01'],
      ['a 04:00 cut-off', '2024-06-01T19:00:00Z', 240, '2024-06-02'],
      ['noon with the latest cut-off (23:59)', '2024-06-01T03:00:00Z', 1439, '2024-05-31'],
      ['23:59 with the latest cut-off', '2024-06-01T14:59:00Z', 1439, '2024-06-01'],
      ['03:00 on 1 March of a leap year with a 04:00 cut-off', '2024-02-29T18:00:00Z', 240, '2024-02-29'],
      ['03:00 on New Year with a 04:00 cut-off', '2024-12-31T18:00:00Z', 240, '2024-12-31'],
    ])('%s', (_case, instant, cutoffMinutes, expected) => {
      expect(businessDate(instant, 'Asia/Tokyo', cutoffMinutes)).toBe(expected);
    });
  });

  describe('America/New_York (DST)', () => {
    it.each([
      ['local midnight in winter (UTC-5)', '2024-01-15T05:00:00Z', 0, '2024-01-15'],
      ['one second earlier', '2024-01-15T04:59:59Z', 0, '2024-01-14'],
      ['local midnight in summer (UTC-4)', '2024-07-15T04:00:00Z', 0, '2024-07-15'],
      ['a 04:00 cut-off in summer', '2024-07-15T08:00:00Z', 240, '2024-07-15'],
      ['one second before it', '2024-07-15T07:59:59Z', 240, '2024-07-14'],
      // 2024-03-10 07:00Z: 02:00 EST jumps to 03:00 EDT, so a 02:30 cut-off never shows on the clock.
      ['01:59 EST before a skipped 02:30 cut-off', '2024-03-10T06:59:00Z', 150, '2024-03-09'],
      ['03:00 EDT right after the jump over a 02:30 cut-off', '2024-03-10T07:00:00Z', 150, '2024-03-10'],
      // 2024-11-03 06:00Z: 02:00 EDT falls back to 01:00 EST, so 01:00–02:00 shows twice.
      ['01:29 EDT (first pass) before a 01:30 cut-off', '2024-11-03T05:29:00Z', 90, '2024-11-02'],
      ['01:30 EDT (first pass) at a 01:30 cut-off', '2024-11-03T05:30:00Z', 90, '2024-11-03'],
      ['01:10 EST (second pass): the day that began stays', '2024-11-03T06:10:00Z', 90, '2024-11-03'],
      ['01:10 EST with a 02:00 cut-off not yet reached', '2024-11-03T06:10:00Z', 120, '2024-11-02'],
      ['02:00 EST reaching a 02:00 cut-off', '2024-11-03T07:00:00Z', 120, '2024-11-03'],
    ])('%s', (_case, instant, cutoffMinutes, expected) => {
      expect(businessDate(instant, 'America/New_York', cutoffMinutes)).toBe(expected);
    });
  });

  it.each([
    ['Europe/London, 01:10 GMT after BST ended past a 01:30 cut-off', '2024-10-27T01:10:00Z', 'Europe/London', 90, '2024-10-27'],
    ['Australia/Lord_Howe, second pass of 01:30–02:00 with a 01:45 cut-off', '2024-04-06T15:05:00Z', 'Australia/Lord_Howe', 105, '2024-04-07'],
    ['Asia/Magadan 2014, clock set back 2 hours over a 01:00 cut-off', '2014-10-25T14:30:00Z', 'Asia/Magadan', 60, '2014-10-26'],
    ['Asia/Kolkata (UTC+5:30), a 00:30 cut-off', '2024-06-01T19:00:00Z', 'Asia/Kolkata', 30, '2024-06-02'],
    ['UTC with a 01:00 cut-off on New Year', '2025-01-01T00:30:00Z', 'UTC', 60, '2024-12-31'],
  ])('%s', (_case, instant, timeZone, cutoffMinutes, expected) => {
    expect(businessDate(instant, timeZone, cutoffMinutes)).toBe(expected);
  });

  it.each([
    ['a non-existent date', '2024-02-30T00:00:00Z', 'Asia/Tokyo', 0],
    ['an instant with an offset instead of Z', '2024-06-01T03:00:00+09:00', 'Asia/Tokyo', 0],
    ['hour 24', '2024-06-01T24:00:00Z', 'Asia/Tokyo', 0],
    ['a cut-off of 1440', '2024-06-01T03:00:00Z', 'Asia/Tokyo', 1440],
    ['a negative cut-off', '2024-06-01T03:00:00Z', 'Asia/Tokyo', -1],
    ['a fractional cut-off', '2024-06-01T03:00:00Z', 'Asia/Tokyo', 1.5],
    ['an unknown time zone', '2024-06-01T03:00:00Z', 'Mars/Olympus_Mons', 0],
  ])('throws a RangeError for %s', (_case, instant, timeZone, cutoffMinutes) => {
    expect(() => businessDate(instant, timeZone, cutoffMinutes)).toThrow(RangeError);
  });

  it.each([
    ['Asia/Tokyo', true],
    ['UTC', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Etc/GMT+9', true],
    ['asia/tokyo', false],
    ['+09:00', false],
    ['Asia/Tokyo ', false],
    ['', false],
    ['Mars/Olympus_Mons', false],
  ])('isValidTimeZone(%j) is %s', (timeZone, valid) => {
    expect(isValidTimeZone(timeZone)).toBe(valid);
  });

  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2024-13-01', false],
    ['2024-6-1', false],
  ])('isBusinessDate(%j) is %s', (value, valid) => {
    expect(isBusinessDate(value)).toBe(valid);
  });

  it.each([
    ['2024-03-01', -1, '2024-02-29'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2023-03-01', -1, '2023-02-28'],
  ])('addDays(%j, %i) is %j', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  describe('properties', () => {
    const minute = 60_000;
    const instants = fc.integer({ min: Date.UTC(1970, 0, 2), max: Date.UTC(2100, 0, 1) });
    const cutoffs = fc.integer({ min: 0, max: 1439 });
    const toIso = (epochMs: number): string => new Date(epochMs).toISOString();

    it('agrees with UTC arithmetic in fixed-offset zones', () => {
      const fixedZones = fc.constantFrom(['UTC', 0], ['Etc/GMT-9', 540], ['Etc/GMT+5', -300], ['Etc/GMT-14', 840]);
      fc.assert(
        fc.property(instants, fixedZones, cutoffs, (epochMs, [timeZone, offsetMinutes], cutoffMinutes) => {
          const expected = toIso(epochMs + (offsetMinutes - cutoffMinutes) * minute).slice(0, 10);
          expect(businessDate(toIso(epochMs), timeZone, cutoffMinutes)).toBe(expected);
        }),
      );
    });

    it('never decreases as time moves forward across a fall-back transition', () => {
      const fallBacks = fc.constantFrom(
        ['America/New_York', Date.parse('2024-11-03T06:00:00Z')],
        ['Europe/London', Date.parse('2024-10-27T01:00:00Z')],
        ['Australia/Lord_Howe', Date.parse('2024-04-06T15:00:00Z')],
        ['America/Santiago', Date.parse('2024-04-07T03:00:00Z')],
        ['Asia/Magadan', Date.parse('2014-10-25T14:00:00Z')],
      );
      const around = fc.integer({ min: -6 * 60, max: 6 * 60 });
      fc.assert(
        fc.property(fallBacks, around, around, cutoffs, ([timeZone, changeMs], first, second, cutoffMinutes) => {
          const earlier = toIso(changeMs + Math.min(first, second) * minute);
          const later = toIso(changeMs + Math.max(first, second) * minute);
          expect(businessDate(earlier, timeZone, cutoffMinutes) <= businessDate(later, timeZone, cutoffMinutes)).toBe(true);
        }),
        { numRuns: 500 },
      );
    });
  });
});
