import { randomBytes } from 'node:crypto';

/**
 * SQL literals for statements sent without parameters (several statements in one round trip).
 * With `standard_conforming_strings = on` (the default since PostgreSQL 9.1, and PGlite's), a
 * single-quoted literal takes every character as is except `'`, which is doubled. Callers pass
 * only values they validated first (stream names, UUIDs); JSON goes through `jsonLiteral`.
 */
export function textLiteral(value: string): string {
  if (value.includes('\u0000')) throw new RangeError('a SQL literal cannot hold NUL');
  return `'${value.replaceAll("'", "''")}'`;
}

/** `ARRAY['a','b']::text[]` (an empty array stays typed). */
export function textArrayLiteral(values: readonly string[], type = 'text'): string {
  return `ARRAY[${values.map(textLiteral).join(',')}]::${type}[]`;
}

/**
 * A dollar-quoted literal with a random tag, so no text inside can end it early.
 * Example: `jsonLiteral('{"a":1}')` → `$j3f9a…${"a":1}$j3f9a…$::jsonb`.
 */
export function jsonLiteral(json: string): string {
  for (;;) {
    const tag = `$j${randomBytes(6).toString('hex')}$`;
    if (!json.includes(tag)) return `${tag}${json}${tag}::jsonb`;
  }
}
