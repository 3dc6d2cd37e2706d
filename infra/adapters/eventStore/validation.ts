import type { NewEvent, StreamRevision } from '../../../domain/eventStore/index.js';
import { InvalidAppendError, findJsonProblem } from '../../../domain/eventStore/index.js';

export const EVENTS_PER_APPEND_MAX = 1_000;
export const EVENT_TEXT_BYTES_MAX = 256 * 1024;
const STREAM_NAME_PATTERN = /^[\x21-\x7e]{1,200}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const METADATA_KEYS = new Set(['correlationId', 'causationId', 'traceparent', 'actor', 'idempotencyKey']);

/**
 * The rules every adapter applies before writing, so both stores refuse the same appends:
 * printable stream names ≤ 200 chars, 1..1000 events, lower-case UUID ids unique in the
 * append, types ≤ 200 chars, schema version ≥ 1, JSON-only data, string-only known metadata.
 */
export function validateAppend(stream: string, events: readonly NewEvent[]): void {
  const fail = (reason: string): never => {
    throw new InvalidAppendError(stream, reason);
  };
  if (!STREAM_NAME_PATTERN.test(stream)) fail('stream name must be 1–200 printable ASCII characters without spaces');
  if (events.length === 0 || events.length > EVENTS_PER_APPEND_MAX) fail(`an append carries 1–${EVENTS_PER_APPEND_MAX} events`);
  const ids = new Set<string>();
  for (const event of events) {
    if (!UUID_PATTERN.test(event.id)) fail(`event id ${JSON.stringify(event.id)} is not a lower-case UUID`);
    if (ids.has(event.id)) fail(`event id ${event.id} appears twice in one append`);
    ids.add(event.id);
    if (event.type.length === 0 || event.type.length > 200) fail('event type must be 1–200 characters');
    if (!Number.isSafeInteger(event.schemaVersion) || event.schemaVersion < 1) fail('schema version must be an integer ≥ 1');
    const dataProblem = findJsonProblem(event.data);
    if (dataProblem !== undefined || typeof event.data !== 'object' || Array.isArray(event.data)) {
      fail(`event ${event.id} data must be a JSON object (${dataProblem ?? 'not an object'})`);
    }
    for (const [key, value] of Object.entries(event.metadata)) {
      if (!METADATA_KEYS.has(key) || typeof value !== 'string' || findJsonProblem(value) !== undefined) {
        fail(`metadata ${key} is not a known string field`);
      }
    }
  }
}

export const CONSISTENT_WITH_MAX = 20;

/** The streams an append depends on (`consistentWith`): valid names other than its own, revisions ≥ −1, at most 20. */
export function validateConsistentWith(stream: string, conditions: readonly StreamRevision[]): void {
  const fail = (reason: string): never => {
    throw new InvalidAppendError(stream, reason);
  };
  if (conditions.length > CONSISTENT_WITH_MAX) fail(`an append depends on at most ${CONSISTENT_WITH_MAX} other streams`);
  for (const condition of conditions) {
    if (!STREAM_NAME_PATTERN.test(condition.stream)) fail('a consistentWith stream name must be 1–200 printable ASCII characters without spaces');
    if (condition.stream === stream) fail('consistentWith names other streams; the expected revision covers the appended one');
    if (!Number.isSafeInteger(condition.revision) || condition.revision < -1) fail('a consistentWith revision is an integer ≥ −1');
  }
}
