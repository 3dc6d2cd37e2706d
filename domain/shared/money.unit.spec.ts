/**
 * What this proves: the shared kernel refuses what would make money or time ambiguous. `Money`
 * holds only safe, non-negative integers of minor units (no fractions, no -0, no overflow), never
 * mixes currencies and never goes below zero, and its values are frozen. Instants are accepted only
 * in the one canonical UTC form, so string order is time order. `DomainError` is an `Error` with a
 * stable code, distinct from a failed `assert`.
 */
import { describe, expect, it } from 'vitest';
import { AssertionFailedError, DomainError, Money, assert, isAtOrAfter, isDomainError, isIdentifier, isIsoInstant } from './index.js';

const yen = (amountMinor: number) => Money.of(amountMinor, 'JPY');

describe('Money', () => {
  it.each([1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses %s minor units', (amountMinor) => {
    expect(() => Money.of(amountMinor, 'JPY')).toThrow(AssertionFailedError);
  });

  it('accepts zero and the largest safe integer, and turns -0 into 0', () => {
    expect(Money.of(Number.MAX_SAFE_INTEGER, 'JPY').amountMinor).toBe(Number.MAX_SAFE_INTEGER);
    expect(Object.is(Money.of(-0, 'JPY').amountMinor, 0)).toBe(true);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(yen(1))).toBe(true);
  });

  it('adds, subtracts, compares and sums exactly', () => {
    expect(Money.add(yen(1100), yen(3900))).toStrictEqual(yen(5000));
    expect(Money.subtract(yen(5000), yen(1100))).toStrictEqual(yen(3900));
    expect([Money.compare(yen(1), yen(2)), Money.compare(yen(2), yen(2)), Money.compare(yen(3), yen(2))]).toStrictEqual([-1, 0, 1]);
    expect(Money.sum([yen(100), yen(200), yen(300)], 'JPY')).toStrictEqual(yen(600));
    expect(Money.sum([], 'USD')).toStrictEqual(Money.zero('USD'));
  });

  it('refuses to go below zero, past the safe range, or across currencies', () => {
    expect(() => Money.subtract(yen(1), yen(2))).toThrow(AssertionFailedError);
    expect(() => Money.add(yen(Number.MAX_SAFE_INTEGER), yen(1))).toThrow(AssertionFailedError);
    expect(() => Money.add(yen(1), Money.of(1, 'USD'))).toThrow(AssertionFailedError);
    expect(() => Money.compare(yen(1), Money.of(1, 'EUR'))).toThrow(AssertionFailedError);
  });

  it('answers equality across currencies without throwing', () => {
    expect(Money.equals(yen(1), Money.of(1, 'USD'))).toBe(false);
    expect(Money.equals(yen(1), yen(1))).toBe(true);
  });
});

describe('instants and identifiers', () => {
  it.each(['2025-06-01T10:00:00.000Z', '2024-02-29T23:59:59.999Z'])('accepts %s', (instant) => {
    expect(isIsoInstant(instant)).toBe(true);
  });

  it.each(['2025-06-01T10:00:00Z', '2025-06-01T10:00:00.000+09:00', '2025-13-01T10:00:00.000Z', '2025-06-01 10:00:00.000Z', ''])('refuses %s', (instant) => {
    expect(isIsoInstant(instant)).toBe(false);
  });

  it('orders canonical instants as strings', () => {
    expect(isAtOrAfter('2025-06-01T10:00:00.000Z', '2025-06-01T10:00:00.000Z')).toBe(true);
    expect(isAtOrAfter('2025-06-01T09:59:59.999Z', '2025-06-01T10:00:00.000Z')).toBe(false);
    expect(isAtOrAfter('2025-06-01T10:00:00.001Z', '2025-06-01T10:00:00.000Z')).toBe(true);
  });

  it('accepts provider-safe identifiers only', () => {
    expect([isIdentifier('att_01HZY3J5K6-x'), isIdentifier('a'.repeat(64))]).toStrictEqual([true, true]);
    expect([isIdentifier(''), isIdentifier('a'.repeat(65)), isIdentifier('att 1'), isIdentifier('att/1')]).toStrictEqual([false, false, false, false]);
  });
});

describe('errors', () => {
  it('a DomainError is an Error carrying its code and detail; a failed assert is not a DomainError', () => {
    const error = new DomainError('payment_intent.not_found', 'Create it first.');
    expect(error).toBeInstanceOf(Error);
    expect([error.code, error.detail, error.message, isDomainError(error)]).toStrictEqual([
      'payment_intent.not_found',
      'Create it first.',
      'payment_intent.not_found: Create it first.',
      true,
    ]);
    let thrown: unknown;
    try {
      assert(false, 'broken');
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBeInstanceOf(AssertionFailedError);
    expect(isDomainError(thrown)).toBe(false);
  });
});
