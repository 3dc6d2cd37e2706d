/**
 * The canonical form is what the hash chain signs, so it must be one text per value whatever the
 * key order or the store it went through, must change when any signed field changes, and
 * findJsonProblem must reject exactly what jsonb or JSON cannot hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalEventText, canonicalJson, findJsonProblem } from './canonical.js';
import { comparePositions, formatPosition, parsePosition } from './position.js';
import type { JsonValue, NewEvent } from './types.js';

const jsonValue: fc.Arbitrary<JsonValue> = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.parse(JSON.stringify(value)) as JsonValue);

function shuffleKeys(value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as readonly JsonValue[]).map(shuffleKeys);
  const entries = Object.entries(value).reverse();
  return Object.fromEntries(entries.map(([key, item]) => [key, shuffleKeys(item)]));
}

describe('canonicalJson', () => {
  it('is the same text for the same value whatever the key order', () => {
    fc.assert(fc.property(jsonValue, (value) => canonicalJson(shuffleKeys(value)) === canonicalJson(value)));
  });

  it('round-trips: parsing the canonical text gives the same value back', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(value);
      }),
    );
  });

  it('sorts keys and writes no white space', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 0, y: -1.5 } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":-1.5,"z":0}}');
  });
});

describe('canonicalEventText', () => {
  const event: NewEvent = { id: '0b3c5a8e-1111-4222-8333-944455556666', type: 'T', schemaVersion: 1, data: { amountMinor: 500 }, metadata: { actor: 'a' } };
  const at = '2026-11-22T00:00:00.000Z';
  it.each([
    ['stream', canonicalEventText('s-2', event, at)],
    ['id', canonicalEventText('s-1', { ...event, id: '0b3c5a8e-1111-4222-8333-944455556667' }, at)],
    ['type', canonicalEventText('s-1', { ...event, type: 'U' }, at)],
    ['schema version', canonicalEventText('s-1', { ...event, schemaVersion: 2 }, at)],
    ['data', canonicalEventText('s-1', { ...event, data: { amountMinor: 501 } }, at)],
    ['metadata', canonicalEventText('s-1', { ...event, metadata: { actor: 'b' } }, at)],
    ['recordedAt', canonicalEventText('s-1', event, '2026-11-22T00:00:00.001Z')],
  ])('changes when the %s changes', (_, changed) => {
    expect(changed).not.toBe(canonicalEventText('s-1', event, at));
  });
});

describe('findJsonProblem', () => {
  it.each([
    [{ n: Number.NaN }, 'a number is not finite'],
    [{ n: Number.POSITIVE_INFINITY }, 'a number is not finite'],
    [{ s: 'a\u0000b' }, 'a string contains NUL'],
    [{ d: new Date(0) }, 'a object is not JSON'],
    [{ u: undefined }, 'a undefined is not JSON'],
    [{ f: () => 1 }, 'a function is not JSON'],
  ])('rejects %o', (value, problem) => {
    expect(findJsonProblem(value)).toBe(problem);
  });

  it('accepts every JSON value', () => {
    fc.assert(fc.property(jsonValue, (value) => findJsonProblem(value) === undefined || JSON.stringify(value).includes('\\u0000')));
  });
});

describe('log positions', () => {
  const position = fc.record({ commit: fc.bigInt({ min: 0n, max: 2n ** 63n }), prepare: fc.bigInt({ min: 0n, max: 2n ** 63n }) });
  it('format and parse round-trip', () => {
    fc.assert(
      fc.property(position, (value) => {
        expect(parsePosition(formatPosition(value))).toEqual(value);
      }),
    );
  });
  it('compare lexicographically by commit, then prepare', () => {
    fc.assert(
      fc.property(position, position, (a, b) => {
        const expected = a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;
        return comparePositions(a, b) === expected && comparePositions(b, a) === -expected;
      }),
    );
  });
  it('refuse anything but two decimal numbers', () => {
    expect(parsePosition('12')).toBeUndefined();
    expect(parsePosition('1:2:3')).toBeUndefined();
    expect(parsePosition('-1:2')).toBeUndefined();
  });
});
