import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidCursorError, decodeRowCursor, encodeRowCursor, toSafeInteger } from './rowCursor.js';

describe('row cursors', () => {
  it('decode to the key they were made from', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 8 }), (key) => {
        expect(decodeRowCursor('sls', key.length, encodeRowCursor('sls', key))).toEqual(key);
      }),
    );
  });

  it.each([
    ['another list', encodeRowCursor('stl', ['2025-06-01', 'card', 'JPY'])],
    ['another key length', encodeRowCursor('sls', ['2025-06-01'])],
    ['not base64 JSON', 'sls_%%%'],
    ['a JSON object', `sls_${Buffer.from('{"a":1}').toString('base64url')}`],
    ['numbers', `sls_${Buffer.from('[1,2,3]').toString('base64url')}`],
    ['no prefix', 'garbage'],
  ])('refuse %s', (_name, cursor) => {
    expect(() => decodeRowCursor('sls', 3, cursor)).toThrow(InvalidCursorError);
  });
});

describe('toSafeInteger', () => {
  it('reads PostgreSQL decimal text and refuses what JSON cannot carry exactly', () => {
    expect(toSafeInteger('-1000')).toBe(-1000);
    expect(toSafeInteger(null)).toBe(0);
    expect(() => toSafeInteger('9007199254740993')).toThrow(RangeError);
    expect(() => toSafeInteger('1.5')).toThrow(RangeError);
  });
});
