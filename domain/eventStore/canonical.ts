import type { JsonValue, NewEvent } from './types.js';

/** Version tag of the canonical form; part of every hash so a future form cannot collide. */
export const CANONICAL_FORM = 'mpac.event.v1';

/** 64 zeros: the `prevHash` of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted by UTF-16 code unit order and no white space, so the same value
 * always gives the same text, whichever store it went through.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  const members = keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] ?? null)}`);
  return `{${members.join(',')}}`;
}

function isArray(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}

/**
 * The text whose SHA-256, prefixed by the previous hash, forms the chain:
 * `hash = SHA-256(prevHash bytes ‖ UTF-8(canonicalEventText(...)))`.
 * The revision is not in the text: the chain itself fixes each event's place in its stream.
 */
export function canonicalEventText(stream: string, event: NewEvent, recordedAt: string): string {
  const metadata: { [key: string]: JsonValue } = { ...event.metadata };
  return canonicalJson([CANONICAL_FORM, stream, event.id, event.type, event.schemaVersion, event.data, metadata, recordedAt]);
}

const DEPTH_MAX = 64;

/**
 * Why `value` is not storable JSON (non-finite number, NUL character, non-plain object, too
 * deep), or undefined when it is. PostgreSQL jsonb rejects `\u0000`; JSON has no NaN.
 */
export function findJsonProblem(value: unknown, depth = 0): string | undefined {
  if (depth > DEPTH_MAX) return `nested deeper than ${DEPTH_MAX}`;
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'a number is not finite';
  if (typeof value === 'string') return value.includes('\u0000') ? 'a string contains NUL' : undefined;
  if (Array.isArray(value)) return firstProblem(value, depth);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const keyProblem = Object.keys(value).some((key) => key.includes('\u0000'));
    return keyProblem ? 'a key contains NUL' : firstProblem(Object.values(value), depth);
  }
  return `a ${typeof value} is not JSON`;
}

function firstProblem(values: readonly unknown[], depth: number): string | undefined {
  for (const item of values) {
    const problem = findJsonProblem(item, depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
