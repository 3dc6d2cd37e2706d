/**
 * The loyalty rules, pure: 1 point per 100 minor units received (¥100; $1.00 for USD and EUR),
 * rounded down; a refund takes back the same share of the points as its share of the money, from
 * the intent's running total so that rounding never drifts (a full refund reverses every point).
 */
const MINOR_UNITS_PER_POINT: Readonly<Record<string, number>> = { JPY: 100, USD: 100, EUR: 100 };

/** @example pointsEarned(1250, 'JPY') // 12 */
export function pointsEarned(amountReceived: number, currency: string): number {
  const perPoint = MINOR_UNITS_PER_POINT[currency];
  if (perPoint === undefined) return 0;
  return Math.floor(amountReceived / perPoint);
}

/**
 * Points to reverse now, given what was awarded and already reversed for the intent and the total
 * refunded so far (this refund included). BigInt: points × amount can pass 2^53.
 * @example pointsToReverse({ awarded: 12, reversed: 0, totalRefunded: 500, amountReceived: 1250 }) // 4
 */
export function pointsToReverse(input: Readonly<{ awarded: number; reversed: number; totalRefunded: number; amountReceived: number }>): number {
  if (input.amountReceived <= 0) return 0;
  const refunded = BigInt(Math.min(input.totalRefunded, input.amountReceived));
  const target = Number((BigInt(input.awarded) * refunded) / BigInt(input.amountReceived));
  return Math.max(0, target - input.reversed);
}
