import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accrueFee, feeFor, roundHalfUp } from './index.js';

const jpy = (feeRatePpm: number, fixedFeeMinor = 0) => ({ feeRatePpm, fixedFeeMinor, currency: 'JPY' });

describe('accrueFee', () => {
  // amount, rate (ppm), fixed fee → mdr, tax, total. Rounding is half up, per transaction.
  const table: readonly (readonly [number, number, number, number, number, number])[] = [
    [10_000, 30_000, 0, 300, 30, 330], // card 3.00 % (payments.md (b) item 2)
    [10_000, 16_000, 0, 160, 16, 176], // PayPay 1.60 % (item 3)
    [8_000, 16_000, 0, 128, 13, 141], // partial capture (item 3b): 12.8 tax → 13
    [1_100, 19_800, 0, 22, 2, 24], // 21.78 → 22; 2.2 → 2
    [25, 20_000, 0, 1, 0, 1], // 0.5 → 1 (half up); tax 0.1 → 0
    [24, 20_000, 0, 0, 0, 0], // 0.48 → 0
    [125, 20_000, 0, 3, 0, 3], // 2.5 → 3
    [1_000, 15_000, 0, 15, 2, 17], // tax 1.5 → 2 (half up)
    [1_000, 14_000, 0, 14, 1, 15], // tax 1.4 → 1
    [1_000, 30_000, 10, 40, 4, 44], // fixed fee adds before tax
    [0, 30_000, 10, 10, 1, 11], // a fixed fee is charged even on zero
    [5_000, 0, 0, 0, 0, 0], // no rate, no fee
    [1, 1_000_000, 0, 1, 0, 1], // 100 %
    [99_999_999_999, 999_999, 99_999_999_999, 199_999_899_998, 19_999_990_000, 219_999_889_998], // product past 2^53
    [99_999_500_000, 999_999, 0, 99_999_400_001, 9_999_940_000, 109_999_340_001], // an exact half, product past 2^53
  ];

  it.each(table)('%i at %i ppm + %i → mdr %i, tax %i, total %i', (amount, feeRatePpm, fixedFeeMinor, mdrMinor, taxMinor, totalMinor) => {
    expect(accrueFee(amount, { feeRatePpm, fixedFeeMinor })).toMatchObject({ mdrMinor, taxMinor, totalMinor });
  });

  it('refuses negative or fractional input (a programmer error)', () => {
    expect(() => accrueFee(-1, { feeRatePpm: 10, fixedFeeMinor: 0 })).toThrow(RangeError);
    expect(() => accrueFee(10.5, { feeRatePpm: 10, fixedFeeMinor: 0 })).toThrow(RangeError);
    expect(() => accrueFee(10, { feeRatePpm: 0.5, fixedFeeMinor: 0 })).toThrow(RangeError);
    expect(() => accrueFee(10, { feeRatePpm: 10, fixedFeeMinor: -1 })).toThrow(RangeError);
  });

  it('is within half a unit of the exact rational fee, and rounds exact halves up', () => {
    const amounts = fc.integer({ min: 0, max: 10_000_000_000 });
    const rates = fc.integer({ min: 0, max: 1_000_000 });
    fc.assert(
      fc.property(amounts, rates, (amount, rate) => {
        const { mdrMinor } = accrueFee(amount, { feeRatePpm: rate, fixedFeeMinor: 0 });
        // |mdr − amount·rate/10^6| ≤ 1/2, and exactly 1/2 only when rounding up: 2·(mdr·10^6 − amount·rate) ∈ (−10^6, 10^6].
        const twiceError = 2n * (BigInt(mdrMinor) * 1_000_000n - BigInt(amount) * BigInt(rate));
        return twiceError > -1_000_000n && twiceError <= 1_000_000n;
      }),
    );
  });

  it('never decreases when the amount grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 1_000_000 }), (amount, more, rate) => {
        const terms = { feeRatePpm: rate, fixedFeeMinor: 5 };
        return accrueFee(amount + more, terms).totalMinor >= accrueFee(amount, terms).totalMinor;
      }),
    );
  });

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
});

describe('feeFor', () => {
  it("applies a store's fees only to payments in their currency, and none without a configuration", () => {
    expect(feeFor(10_000, 'JPY', jpy(30_000))).toMatchObject({ mdrMinor: 300, taxMinor: 30, totalMinor: 330 });
    expect(feeFor(10_000, 'USD', jpy(30_000))).toBeNull();
    expect(feeFor(10_000, 'JPY', null)).toBeNull();
  });
});

describe('roundHalfUp', () => {
  it.each([
    [0n, 10n, 0n],
    [4n, 10n, 0n],
    [5n, 10n, 1n],
    [15n, 10n, 2n],
    [25n, 10n, 3n],
    [7n, 2n, 4n],
  ])('%i / %i → %i', (numerator, denominator, expected) => {
    expect(roundHalfUp(numerator, denominator)).toBe(expected);
  });
});
