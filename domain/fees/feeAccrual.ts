/**
 * The provider fee on one payment (payments.md b.2 "Example rates", b.3 P-FEE), one rule for every
 * read model (journal, sales, settlement): the merchant discount rate on the amount plus the fixed
 * fee, then consumption tax on that fee, each rounded half up to a whole minor unit per transaction.
 *
 *   mdr = round_half_up(amount × feeRatePpm / 1,000,000) + fixedFeeMinor
 *   tax = round_half_up(mdr × 10 %)
 *
 * Integer arithmetic only: `amount × ppm` can pass 2^53, so it is BigInt. A store's fees are
 * configured in one currency and apply only to payments in that currency (`feeFor`).
 *
 * @example accrueFee(10_000, { feeRatePpm: 30_000, fixedFeeMinor: 0 }) // { mdrMinor: 300, taxMinor: 30, totalMinor: 330, … }
 * @example accrueFee(8_000, { feeRatePpm: 16_000, fixedFeeMinor: 0 })  // { mdrMinor: 128, taxMinor: 13, totalMinor: 141, … } (12.8 → 13)
 */
import type { ProviderFees } from '../tenancy/index.js';

export const PARTS_PER_MILLION = 1_000_000;

/** Japanese consumption tax on fees: 10 % (payments.md b.2), in parts per million. */
export const CONSUMPTION_TAX_RATE_PPM = 100_000;

/**
 * What happens to accrued fees when a payment is refunded (payments.md b.3 item 4,
 * `fee_refund_policy`): `none` — no fee reversal; the provider's statement decides later (a code
 * 3003 adjustment at settlement).
 */
export const FEE_REFUND_POLICY = 'none';

export type FeeTerms = Readonly<{ feeRatePpm: number; fixedFeeMinor: number }>;

export type FeeAccrual = Readonly<{
  /** The merchant discount (rate part + fixed part), in minor units, before tax. */
  mdrMinor: number;
  /** Consumption tax on `mdrMinor`, in minor units. */
  taxMinor: number;
  /** `mdrMinor + taxMinor`: what sales and settlement report as `fees`. */
  totalMinor: number;
  /** The exact rate part before rounding, as the rational `numerator/1000000` (kept in journal metadata). */
  mdrRateExact: string;
}>;

/** ⌊n / d + 1/2⌋ for n ≥ 0, d > 0: rounds half up. */
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
 * The fee on `baseMinor` (a payment or the captured part of an authorization) under `terms`.
 * @throws RangeError for a negative or non-integer input (a programmer error: amounts and fee terms
 *   are validated before they are stored)
 */
export function accrueFee(baseMinor: number, terms: FeeTerms): FeeAccrual {
  requireNonNegativeSafeInteger(baseMinor, 'baseMinor');
  requireNonNegativeSafeInteger(terms.feeRatePpm, 'feeRatePpm');
  requireNonNegativeSafeInteger(terms.fixedFeeMinor, 'fixedFeeMinor');
  const million = BigInt(PARTS_PER_MILLION);
  const rateProduct = BigInt(baseMinor) * BigInt(terms.feeRatePpm);
  const mdr = roundHalfUp(rateProduct, million) + BigInt(terms.fixedFeeMinor);
  const tax = roundHalfUp(mdr * BigInt(CONSUMPTION_TAX_RATE_PPM), million);
  return {
    mdrMinor: toSafeInteger(mdr, 'mdr'),
    taxMinor: toSafeInteger(tax, 'tax'),
    totalMinor: toSafeInteger(mdr + tax, 'fee'),
    mdrRateExact: `${rateProduct}/${PARTS_PER_MILLION}`,
  };
}

/** The fee on a payment of `baseMinor` `currency` at a store's configured `fees`; null when none is configured or it is in another currency. */
export function feeFor(baseMinor: number, currency: string, fees: ProviderFees | null): FeeAccrual | null {
  if (fees === null || fees.currency !== currency) return null;
  return accrueFee(baseMinor, fees);
}
