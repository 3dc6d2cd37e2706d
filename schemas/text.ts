/**
 * The one refinement every free-text field goes through: text PostgreSQL can store. A JSON string
 * may carry escapes that are valid JSON but not valid text for the database: NUL (`\u0000`, which
 * `text` and `jsonb` refuse) and lone UTF-16 surrogates (`\ud800`, `\udfff` without their pair,
 * which have no UTF-8 encoding). Refused here, they answer 400 `validation_error` naming the field
 * and nothing is stored; let through, they would fail in the database as a 500.
 *
 * @example storableText(200) // 1–200 characters, storable
 * @example storableText(500, { controlCharacters: 'refused' })
 */
import { z } from 'zod';

/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const WITHOUT_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL (U+0000) or a lone surrogate (U+D800–U+DFFF)';

/** True when PostgreSQL can store `value` as text or inside jsonb: no NUL, no lone surrogate. */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

export type StorableTextOptions = Readonly<{
  /** Characters at least (default 1). */
  lengthMin?: number;
  /** `refused`: also no C0 control characters or DEL (names, reasons); default allowed (PEM keys have newlines). */
  controlCharacters?: 'allowed' | 'refused';
}>;

/** A string of `lengthMin`–`lengthMax` UTF-16 code units that PostgreSQL can store. */
export function storableText(lengthMax: number, options: StorableTextOptions = {}): z.ZodString {
  const text = z
    .string()
    .min(options.lengthMin ?? 1)
    .max(lengthMax)
    .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);
  return options.controlCharacters === 'refused' ? text.regex(WITHOUT_CONTROL_CHARACTERS, 'no control characters') : text;
}
