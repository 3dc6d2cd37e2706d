/**
 * The provider fee on one payment (payments.md (b), P-FEE): the merchant discount rate plus a fixed
 * fee, then consumption tax on that fee, each rounded half up to a whole minor unit per transaction.
 *
 *   mdr = round_half_up(amount × feeRatePpm / 1,000,000) + fixedFee
 *   tax = round_half_up(mdr × 10 / 100)
 *   fee = mdr + tax   (the figure sales and settlement report)
 *
 * Integer arithmetic only: the product amount × ppm can pass 2^53, so it is done in BigInt. The
 * ledger's journal accrues the same figures (keep the two in step until they share this module).
 *
 * @example providerFee(10_000, { feeRatePpm: 30_000, fixedFeeMinor: 0 }) // { mdrMinor: 300, taxMinor: 30, totalMinor: 330 }
 * @example providerFee(8_000, { feeRatePpm: 16_000, fixedFeeMinor: 0 })  // { mdrMinor: 128, taxMinor: 13, totalMinor: 141 }
 */

/** Japanese consumption tax on fees: 10 %, in parts per million. */
export const CONSUMPTION_TAX_RATE_PPM = 100_000;
const PPM = 1_000_000n;

export type FeeTerms = Readonly<{ feeRatePpm: number; fixedFeeMinor: number }>;

export type ProviderFee = Readonly<{
  /** The merchant discount (rate part + fixed part), in minor units, before tax. */
  mdrMinor: number;
  /** Consumption tax on `mdrMinor`, in minor units. */
  taxMinor: number;
  /** `mdrMinor + taxMinor`: what sales and settlement report as `fees`. */
  totalMinor: number;
}>;

export const NO_FEE: ProviderFee = Object.freeze({ mdrMinor: 0, taxMinor: 0, totalMinor: 0 });

/** numerator / denominator rounded half up; both non-negative, denominator positive. */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

function toSafeInteger(value: bigint, what: string): number {
  const result = Number(value);
  if (!Number.isSafeInteger(result)) throw new RangeError(`${what} ${value} is not a safe integer`);
  return result;
}

function requireNonNegativeSafeInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative safe integer, got ${value}`);
}

/**
 * The fee on `amountMinor` under `terms`, with tax at `taxRatePpm` (default 10 %).
 * @throws RangeError for a negative or non-integer input (a programmer error: amounts and fee
 *   terms are validated before they are stored)
 */
export function providerFee(amountMinor: number, terms: FeeTerms, taxRatePpm: number = CONSUMPTION_TAX_RATE_PPM): ProviderFee {
  requireNonNegativeSafeInteger(amountMinor, 'amountMinor');
  requireNonNegativeSafeInteger(terms.feeRatePpm, 'feeRatePpm');
  requireNonNegativeSafeInteger(terms.fixedFeeMinor, 'fixedFeeMinor');
  requireNonNegativeSafeInteger(taxRatePpm, 'taxRatePpm');
  const mdr = roundHalfUp(BigInt(amountMinor) * BigInt(terms.feeRatePpm), PPM) + BigInt(terms.fixedFeeMinor);
  const tax = roundHalfUp(mdr * BigInt(taxRatePpm), PPM);
  return {
    mdrMinor: toSafeInteger(mdr, 'mdr'),
    taxMinor: toSafeInteger(tax, 'tax'),
    totalMinor: toSafeInteger(mdr + tax, 'fee'),
  };
}
