/**
 * Money as an integer number of minor units plus an ISO 4217 currency code. JPY has no minor
 * unit, so `{ amountMinor: 1100, currency: 'JPY' }` is ¥1,100.
 *
 * Amounts are JavaScript numbers that must always be safe integers (|n| ≤ 2^53 − 1), so every
 * addition and subtraction is exact. There is no floating-point arithmetic, no rounding and no
 * parsing here: a value that is not a safe, non-negative integer is a programmer error (`assert`),
 * because the edge (zod) and the deciders' guards must refuse such input before it reaches `Money`.
 *
 * Every `Money` value is frozen, so it can be shared between states and events.
 */
import { assert } from './domainError.js';

/** The currencies the ledger accepts. JPY first: it is the only one the terminals use today. */
export const currencies = ['JPY', 'USD', 'EUR'] as const;
export type Currency = (typeof currencies)[number];

export type Money = Readonly<{ amountMinor: number; currency: Currency }>;

/** True when `value` can be an amount: a safe integer ≥ 0. */
function isAmountMinor(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/** @example Money.of(1100, 'JPY') // ¥1,100 */
function of(amountMinor: number, currency: Currency): Money {
  assert(isAmountMinor(amountMinor), `amountMinor must be a safe integer ≥ 0, got ${amountMinor}`);
  // `+ 0` turns a -0 into 0, so two equal amounts are always `Object.is`-equal.
  return Object.freeze({ amountMinor: amountMinor + 0, currency });
}

/** @example Money.zero('JPY') */
function zero(currency: Currency): Money {
  return of(0, currency);
}

function assertSameCurrency(left: Money, right: Money): void {
  assert(left.currency === right.currency, `currency mismatch: ${left.currency} vs ${right.currency}`);
}

/** @example Money.add(Money.of(100, 'JPY'), Money.of(20, 'JPY')) // ¥120 */
function add(left: Money, right: Money): Money {
  assertSameCurrency(left, right);
  return of(left.amountMinor + right.amountMinor, left.currency);
}

/** Never goes below zero: callers check `compare` first. @example Money.subtract(¥120, ¥20) // ¥100 */
function subtract(left: Money, right: Money): Money {
  assertSameCurrency(left, right);
  assert(left.amountMinor >= right.amountMinor, 'Money.subtract would go below zero');
  return of(left.amountMinor - right.amountMinor, left.currency);
}

/** -1, 0 or 1, as `left` is less than, equal to or greater than `right`. */
function compare(left: Money, right: Money): -1 | 0 | 1 {
  assertSameCurrency(left, right);
  if (left.amountMinor < right.amountMinor) return -1;
  if (left.amountMinor > right.amountMinor) return 1;
  return 0;
}

/** Same currency and same amount. Unlike `compare`, a currency difference is an answer, not an error. */
function equals(left: Money, right: Money): boolean {
  return left.currency === right.currency && left.amountMinor === right.amountMinor;
}

/** @example Money.sum([¥100, ¥20], 'JPY') // ¥120 */
function sum(amounts: readonly Money[], currency: Currency): Money {
  return amounts.reduce<Money>((total, amount) => add(total, amount), zero(currency));
}

export const Money = Object.freeze({ of, zero, add, subtract, compare, equals, sum, isAmountMinor });
