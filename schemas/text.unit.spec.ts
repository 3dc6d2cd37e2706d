import { describe, expect, it } from 'vitest';
import { isStorableText, storableText } from './text.js';

describe('storable text', () => {
  it('refuses NUL and lone surrogates, accepts paired surrogates and ordinary text', () => {
    for (const bad of ['\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83dy', '\ude00x', '\ud83d\ude00\ud800']) expect(isStorableText(bad), JSON.stringify(bad)).toBe(false);
    for (const good of ['', 'Ramen Ichiban', 'ラーメン一番', '\ud83d\ude00', 'tab\tand\nnewline']) expect(isStorableText(good), good).toBe(true);
  });

  it('refuses control characters only when asked', () => {
    expect(storableText(10).safeParse('a\nb').success).toBe(true);
    expect(storableText(10, { controlCharacters: 'refused' }).safeParse('a\nb').success).toBe(false);
    expect(storableText(3).safeParse('long').success).toBe(false);
    expect(storableText(3).safeParse('').success).toBe(false);
  });
});
