/**
 * The pure mappings of the EventStoreDB adapter, on the real client's constants, filters and
 * error classes: expectations, positions, the metadata envelope, recorded events, filters and
 * the client's errors → the port's errors. (No server runs here; see docs/event-store.md.)
 */
import {
  ANY,
  END,
  EVENT_TYPE,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  STREAM_NAME,
  StreamDeletedError,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
  type RegexFilter,
  type PrefixesFilter,
} from '@eventstore/db-client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExpectedRevision } from '../../../../domain/eventStore/index.js';
import { InvalidAppendError, LOG_START, WrongExpectedVersionError } from '../../../../domain/eventStore/index.js';
import { decodeEnvelope, encodeEnvelope, type Envelope } from './envelope.js';
import { clientActualRevision, describeClientError, toPortAppendError } from './errors.js';
import { expectationHolds, fromCurrentRevision, pinnedRevision, retriesOnMovedHead, retryConsistent } from './expectations.js';
import { exactNamesRegex, serverFilter } from './filters.js';
import { isAfter, readAllStart, toLogPosition } from './positions.js';
import { isSystemEvent, matchesFilter, toRecordedEvent, toStoredEvent, type ClientRecordedEvent } from './recorded.js';

const clientWrongVersion = (current: bigint | typeof NO_STREAM, expected: bigint | typeof NO_STREAM = 3n) =>
  new ClientWrongExpectedVersionError(undefined, { streamName: 's-1', expected, current });

describe('expectations', () => {
  const kinds: [ExpectedRevision, number, boolean][] = [
    [{ kind: 'any' }, -1, true],
    [{ kind: 'any' }, 4, true],
    [{ kind: 'no_stream' }, -1, true],
    [{ kind: 'no_stream' }, 0, false],
    [{ kind: 'stream_exists' }, -1, false],
    [{ kind: 'stream_exists' }, 0, true],
    [{ kind: 'exact', revision: 2 }, 2, true],
    [{ kind: 'exact', revision: 2 }, 3, false],
    [{ kind: 'exact', revision: 0 }, -1, false],
  ];
  it.each(kinds)('%o holds at revision %i: %s', (expected, current, holds) => {
    expect(expectationHolds(expected, current)).toBe(holds);
  });

  it('pins the head the events were chained on: NO_STREAM for a new stream, else the BigInt revision', () => {
    expect(pinnedRevision(-1)).toBe(NO_STREAM);
    expect(pinnedRevision(0)).toBe(0n);
    expect(pinnedRevision(4_999)).toBe(4_999n);
    expect([pinnedRevision(-1), pinnedRevision(7)]).not.toContain(ANY);
    expect([pinnedRevision(-1), pinnedRevision(7)]).not.toContain(STREAM_EXISTS);
  });

  it('reads the client current revision as the port counts: NO_STREAM is -1', () => {
    expect(fromCurrentRevision(NO_STREAM)).toBe(-1);
    expect(fromCurrentRevision(12n)).toBe(12);
    expect(() => fromCurrentRevision(2n ** 60n)).toThrow(RangeError);
  });

  it('retries on a moved head only for expectations that named no revision', () => {
    expect(retriesOnMovedHead({ kind: 'any' })).toBe(true);
    expect(retriesOnMovedHead({ kind: 'stream_exists' })).toBe(true);
    expect(retriesOnMovedHead({ kind: 'no_stream' })).toBe(false);
    expect(retriesOnMovedHead({ kind: 'exact', revision: 1 })).toBe(false);
  });

  it('accepts a re-sent append only where the original could have been made', () => {
    expect(retryConsistent({ kind: 'no_stream' }, 0)).toBe(true);
    expect(retryConsistent({ kind: 'no_stream' }, 3)).toBe(false);
    expect(retryConsistent({ kind: 'stream_exists' }, 0)).toBe(false);
    expect(retryConsistent({ kind: 'stream_exists' }, 1)).toBe(true);
    expect(retryConsistent({ kind: 'exact', revision: 4 }, 5)).toBe(true);
    expect(retryConsistent({ kind: 'exact', revision: 4 }, 4)).toBe(false);
    expect(retryConsistent({ kind: 'any' }, 9)).toBe(true);
  });
});

describe('positions', () => {
  it('an $all position is the LogPosition with the same commit and prepare', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n }), fc.bigInt({ min: 0n, max: 2n ** 63n }), (commit, prepare) => {
        expect(toLogPosition({ commit, prepare })).toEqual({ commit, prepare });
      }),
    );
    expect(() => toLogPosition({ commit: -1n, prepare: -1n })).toThrow(RangeError);
  });

  it('reads from START at the log start, else from the position (which the server includes, and isAfter drops)', () => {
    expect(readAllStart(LOG_START)).toBe(START);
    expect(readAllStart({ commit: 10n, prepare: 8n })).toEqual({ commit: 10n, prepare: 8n });
    expect(isAfter({ commit: 10n, prepare: 8n }, { commit: 10n, prepare: 8n })).toBe(false);
    expect(isAfter({ commit: 10n, prepare: 9n }, { commit: 10n, prepare: 8n })).toBe(true);
    expect(readAllStart({ commit: 1n, prepare: 1n })).not.toBe(END);
  });
});

describe('metadata envelope', () => {
  const envelope: Envelope = {
    schemaVersion: 2,
    recordedAt: '2026-12-07T01:02:03.004Z',
    prevHash: '0'.repeat(64),
    hash: 'ab'.repeat(32),
    appendId: '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
    metadata: { correlationId: 'corr-1', causationId: 'cause-1', actor: 'terminal:trm_1', idempotencyKey: 'k' },
  };

  it('round-trips through the JSON the client stores', () => {
    expect(decodeEnvelope(JSON.parse(JSON.stringify(encodeEnvelope(envelope))))).toEqual(envelope);
  });

  it("carries EventStoreDB's own $correlationId / $causationId, which decoding ignores", () => {
    expect(encodeEnvelope(envelope)).toMatchObject({ $correlationId: 'corr-1', $causationId: 'cause-1' });
    expect(encodeEnvelope({ ...envelope, metadata: {} })).not.toHaveProperty('$correlationId');
  });

  it.each([
    ['not an object', 'text'],
    ['another version', { ...encodeEnvelope(envelope), mpac: 2 }],
    ['a short hash', { ...encodeEnvelope(envelope), hash: 'ab' }],
    ['a time without milliseconds', { ...encodeEnvelope(envelope), recordedAt: '2026-12-07T01:02:03Z' }],
    ['schema version 0', { ...encodeEnvelope(envelope), schemaVersion: 0 }],
    ['bytes', new Uint8Array([1, 2])],
  ])('refuses %s', (_, stored) => {
    expect(decodeEnvelope(stored)).toBeUndefined();
  });
});

describe('recorded events', () => {
  const stored: ClientRecordedEvent = {
    streamId: 'pi-01J',
    id: '0b3c5a8e-1111-4222-8333-944455556666',
    revision: 4n,
    type: 'PaymentIntentCreated',
    data: { amountMinor: 500 },
    metadata: encodeEnvelope({
      schemaVersion: 1,
      recordedAt: '2026-12-07T00:00:00.000Z',
      prevHash: 'cd'.repeat(32),
      hash: 'ef'.repeat(32),
      appendId: 'a-1',
      metadata: { actor: 'a' },
    }),
    isJson: true,
    position: { commit: 900n, prepare: 900n },
  };

  it('maps every field of the port from the client event and its envelope', () => {
    expect(toStoredEvent(stored)).toEqual({
      appendId: 'a-1',
      recorded: {
        id: stored.id,
        stream: 'pi-01J',
        revision: 4,
        position: { commit: 900n, prepare: 900n },
        type: 'PaymentIntentCreated',
        schemaVersion: 1,
        data: { amountMinor: 500 },
        metadata: { actor: 'a' },
        recordedAt: '2026-12-07T00:00:00.000Z',
        prevHash: 'cd'.repeat(32),
        hash: 'ef'.repeat(32),
      },
    });
  });

  it.each([
    ['a system stream', { streamId: '$stats-127.0.0.1:2113' }],
    ['a system event type', { type: '$metadata' }],
    ['a link event', { type: '$>' }],
    ['binary data', { isJson: false }],
    ['no position', { position: undefined }],
    ['no envelope (not written by the ledger)', { metadata: { $correlationId: 'x' } }],
    ['array data', { data: [1, 2] }],
  ])('excludes %s', (_, change) => {
    expect(toRecordedEvent({ ...stored, ...change })).toBeUndefined();
  });

  it('knows system events by a $ on the stream or the type', () => {
    expect(isSystemEvent({ streamId: '$all', type: 'x' })).toBe(true);
    expect(isSystemEvent({ streamId: 'pi-1', type: '$>' })).toBe(true);
    expect(isSystemEvent({ streamId: 'pi-1', type: 'X' })).toBe(false);
  });

  it('matches the port filter: any listed type OR any listed prefix; none listed passes all', () => {
    const event = { stream: 'pi-01J', type: 'Created' };
    expect(matchesFilter(event, undefined)).toBe(true);
    expect(matchesFilter(event, { eventTypes: [], streamPrefixes: [] })).toBe(true);
    expect(matchesFilter(event, { eventTypes: ['Created'] })).toBe(true);
    expect(matchesFilter(event, { eventTypes: ['Other'], streamPrefixes: ['pi-'] })).toBe(true);
    expect(matchesFilter(event, { eventTypes: ['Other'], streamPrefixes: ['mer-'] })).toBe(false);
  });
});

describe('server-side subscription filters', () => {
  it('prefixes alone filter on the stream name', () => {
    const filter = serverFilter({ streamPrefixes: ['pi-', 'mer-'] }) as PrefixesFilter;
    expect(filter).toMatchObject({ filterOn: STREAM_NAME, prefixes: ['pi-', 'mer-'] });
  });

  it('types alone filter on an exact-name regex of the event type', () => {
    const filter = serverFilter({ eventTypes: ['A.b', 'C'] }) as RegexFilter;
    expect(filter).toMatchObject({ filterOn: EVENT_TYPE });
    const regex = new RegExp(filter.regex);
    expect(['A.b', 'C'].map((type) => regex.test(type))).toEqual([true, true]);
    expect(['AXb', 'CC', 'xC', '$C'].map((type) => regex.test(type))).toEqual([false, false, false, false]);
  });

  it('both or neither exclude only system events on the server (the rest is matched client-side)', () => {
    for (const filter of [undefined, {}, { eventTypes: ['A'], streamPrefixes: ['pi-'] }]) {
      const server = serverFilter(filter) as RegexFilter;
      expect(server.filterOn).toBe(EVENT_TYPE);
      expect(new RegExp(server.regex).test('$metadata')).toBe(false);
      expect(new RegExp(server.regex).test('Created')).toBe(true);
    }
  });

  it('escapes regex metacharacters', () => {
    expect(exactNamesRegex(['a+b', '(x)'])).toBe('^(?:a\\+b|\\(x\\))$');
  });
});

describe("the client's errors", () => {
  it('WrongExpectedVersionError → the port error with the port expectation and the actual revision', () => {
    const expected: ExpectedRevision = { kind: 'exact', revision: 3 };
    const mapped = toPortAppendError(clientWrongVersion(5n), 's-1', expected);
    expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
    expect(mapped).toMatchObject({ stream: 's-1', expected, actualRevision: 5 });
    expect(toPortAppendError(clientWrongVersion(NO_STREAM), 's-1', { kind: 'stream_exists' })).toMatchObject({ actualRevision: -1 });
    expect(clientActualRevision(clientWrongVersion(7n))).toBe(7);
  });

  it('the size limit and deleted streams → InvalidAppendError', () => {
    expect(toPortAppendError(new MaxAppendSizeExceededError(undefined, 1_048_576), 's-1', { kind: 'any' })).toBeInstanceOf(InvalidAppendError);
    expect(toPortAppendError(new StreamDeletedError(undefined, 's-1'), 's-1', { kind: 'any' })).toMatchObject({ name: 'InvalidAppendError', stream: 's-1' });
  });

  it('anything else (unavailable, plain errors) is not a refusal of the append', () => {
    expect(toPortAppendError(new UnavailableError(), 's-1', { kind: 'any' })).toBeUndefined();
    expect(toPortAppendError(new Error('boom'), 's-1', { kind: 'any' })).toBeUndefined();
    expect(clientActualRevision(new UnavailableError())).toBeUndefined();
  });

  it('describes a client error in one line with its type', () => {
    const error = new UnavailableError(undefined, 'failed to connect\n to 127.0.0.1:1');
    expect(describeClientError(error)).toBe('unavailable: failed to connect to 127.0.0.1:1');
  });
});
