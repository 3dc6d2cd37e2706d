import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accrueFee, divideRoundHalfUp } from './feeAccrual.js';
import { JOURNAL_ID_NAMESPACE, entryId, postingId, uuidFromNamespace, uuidV5 } from './journalIds.js';

const jpy = (feeRatePpm: number, fixedFeeMinor = 0) => ({ feeRatePpm, fixedFeeMinor, currency: 'JPY' });

describe('accrueFee', () => {
  it.each([
    ['card ¥10,000 at 3.00 %', 10_000, jpy(30_000), 300, 30],
    ['PayPay ¥10,000 at 1.60 %', 10_000, jpy(16_000), 160, 16],
    ['PayPay partial capture ¥8,000 at 1.60 % (tax 12.8 → 13)', 8_000, jpy(16_000), 128, 13],
    ['half a yen rounds up: ¥125 at 2.00 % = 2.5 → 3', 125, jpy(20_000), 3, 0],
    ['just under half rounds down: ¥124 at 2.00 % = 2.48 → 2', 124, jpy(20_000), 2, 0],
    ['fixed fee only', 5_000, jpy(0, 15), 15, 2],
    ['tax half rounds up: MDR 5 → tax 0.5 → 1', 500, jpy(10_000), 5, 1],
  ])('%s', (_name, base, fees, mdr, tax) => {
    expect(accrueFee(base, fees)).toMatchObject({ mdrMinor: mdr, taxMinor: tax });
  });

  it('is exact beyond 2^53 intermediate products (BigInt)', () => {
    // 99,999,999,999 × 999,999 ≈ 10^17 > 2^53: a float product would lose the last digits.
    expect(accrueFee(99_999_999_999, jpy(999_999))).toMatchObject({ mdrMinor: 99_999_899_999, mdrRateExact: '99999899999000001/1000000' });
  });

  it('property: the fee is within half a minor unit of the exact rational, ties rounding up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 10_000 }), (base, ppm, fixed) => {
        const { mdrMinor, taxMinor } = accrueFee(base, jpy(ppm, fixed));
        const exactTimesMillion = BigInt(base) * BigInt(ppm);
        const roundedRate = BigInt(mdrMinor - fixed) * 1_000_000n;
        // Half up: −½ < rounded − exact ≤ ½ (in millionths of a minor unit, doubled to stay integral).
        const rateError = 2n * (roundedRate - exactTimesMillion);
        expect(rateError > -1_000_000n && rateError <= 1_000_000n).toBe(true);
        // Tax is 10 % of the MDR: −½ < tax − MDR/10 ≤ ½, in tenths, doubled.
        const taxError = 2n * (BigInt(taxMinor) * 10n - BigInt(mdrMinor));
        expect(taxError > -10n && taxError <= 10n).toBe(true);
      }),
    );
  });

  it('divideRoundHalfUp', () => {
    expect([divideRoundHalfUp(0n, 7n), divideRoundHalfUp(3n, 2n), divideRoundHalfUp(5n, 4n), divideRoundHalfUp(7n, 4n)]).toEqual([0n, 2n, 1n, 2n]);
  });
});

describe('journal ids', () => {
  it('uuidV5 matches the RFC 9562 test vector', () => {
    expect(uuidV5(uuidFromNamespace('6ba7b810-9dad-11d1-80b4-00c04fd430c8'), 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('entry and posting ids are version-5 UUIDs of the event id, distinct per leg and entry', () => {
    const eventId = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    expect(postingId(eventId, 0)).toBe(uuidV5(uuidFromNamespace(JOURNAL_ID_NAMESPACE), `${eventId}:0`));
    expect(postingId(eventId, 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set([postingId(eventId, 0), postingId(eventId, 1), entryId(eventId, 0), entryId(eventId, 1)]).size).toBe(4);
  });
});
