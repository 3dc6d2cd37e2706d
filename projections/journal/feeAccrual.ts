/**
 * Fee accrual per transaction (payments.md b.2 "Example rates", b.3 P-FEE): the merchant discount
 * rate on the gross amount plus the fixed fee, and consumption tax on that fee, each rounded half
 * up to a whole minor unit. Integer arithmetic only: `amount × ppm` can pass 2^53, so it is BigInt.
 *
 * @example accrueFee(10_000, { feeRatePpm: 30_000, fixedFeeMinor: 0, currency: 'JPY' }) // { mdrMinor: 300, taxMinor: 30, … }
 * @example accrueFee(8_000, { feeRatePpm: 16_000, fixedFeeMinor: 0, currency: 'JPY' })  // { mdrMinor: 128, taxMinor: 13, … } (12.8 → 13)
 */
import type { ProviderFees } from '../../domain/tenancy/index.js';

export const PARTS_PER_MILLION = 1_000_000;

/** Japanese consumption tax on fees: 10 % (payments.md b.2), in parts per million. */
export const CONSUMPTION_TAX_RATE_PPM = 100_000;

/**
 * What happens to accrued fees when a payment is refunded (payments.md b.3 item 4,
 * `fee_refund_policy`): `none` — no fee reversal is posted; the acquirer or provider statement
 * decides later (a code 3003 adjustment at settlement).
 */
export const FEE_REFUND_POLICY = 'none';

export type FeeAccrual = Readonly<{
  /** round-half-up(base × feeRatePpm / 1,000,000) + fixedFeeMinor. */
  mdrMinor: number;
  /** round-half-up(mdrMinor × CONSUMPTION_TAX_RATE_PPM / 1,000,000). */
  taxMinor: number;
  /** The exact rate part before rounding, as the rational `numerator/1000000` (kept in metadata). */
  mdrRateExact: string;
}>;

/** ⌊n / d + 1/2⌋ for n ≥ 0, d > 0: rounds half up. */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${what} ${value} exceeds a safe integer`);
  return Number(value);
}

/** The fee accrued on `baseMinor` (a captured or auto-captured amount) at `fees`. */
export function accrueFee(baseMinor: number, fees: ProviderFees): FeeAccrual {
  const rateProduct = BigInt(baseMinor) * BigInt(fees.feeRatePpm);
  const million = BigInt(PARTS_PER_MILLION);
  const mdr = divideRoundHalfUp(rateProduct, million) + BigInt(fees.fixedFeeMinor);
  const tax = divideRoundHalfUp(mdr * BigInt(CONSUMPTION_TAX_RATE_PPM), million);
  return { mdrMinor: toSafeNumber(mdr, 'mdr'), taxMinor: toSafeNumber(tax, 'tax'), mdrRateExact: `${rateProduct}/${PARTS_PER_MILLION}` };
}
