/**
 * The write-ahead idempotency journal against the real PostgreSQL, at each failure point of
 * docs/event-store.md ("Idempotency without a shared transaction"). The journal is generic over
 * the store it re-sends to; here that is the PostgreSQL event store, which answers a re-sent
 * append idempotently as EventStoreDB does (same ids at the same expectation → the original
 * result). A "crash" is the append function throwing before or after the real append.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedRevision, NewEvent } from '../../../../domain/eventStore/index.js';
import { WrongExpectedVersionError } from '../../../../domain/eventStore/index.js';
import type { IdempotencyKeyRef, StoredResponse } from '../../../../domain/idempotency/index.js';
import { newEvents, uniquePrefix } from '../../../../test/conformance/harness.js';
import { createTestClient } from '../../../../test/support/database.js';
import type { SqlClient } from '../../db/sqlClient.js';
import { PostgresIdempotencyStore } from '../../idempotency/postgresIdempotencyStore.js';
import { prepareAppend } from '../postgres/appendBatch.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from '../postgres/postgresEventStore.js';
import { IdempotencyJournal } from './idempotencyJournal.js';
import { JournaledIdempotencyStore } from './journaledIdempotencyStore.js';

const RESPONSE: StoredResponse = { status: 201, body: '{"id":"pi_1","status":"pending"}' };
const FINGERPRINT = 'f'.repeat(64);

describe('idempotency journal (EventStoreDB adapter) on PostgreSQL', () => {
  let sql: SqlClient;
  let store: PostgresEventStore;
  let journal: IdempotencyJournal;
  let keys: JournaledIdempotencyStore;
  let claims: PostgresIdempotencyStore;
  beforeAll(() => {
    sql = createTestClient(4);
    store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client: sql });
    journal = new IdempotencyJournal(sql);
    // A lease of 0 s: every claim has expired by the next statement, as if its owner had died.
    claims = new PostgresIdempotencyStore({ client: sql, leaseSeconds: 0, retentionSeconds: 3_600 });
    keys = new JournaledIdempotencyStore(claims, journal, (stream, events, expected) => store.append(stream, events, expected));
  });
  afterAll(async () => {
    // Frees the idempotency owner's session first: the pool cannot end while it is held.
    await claims.close();
    await store.close();
    await sql.close();
  });

  async function claimed(): Promise<IdempotencyKeyRef> {
    const ref = { scope: 'partner:cp_test', key: randomUUID() };
    expect(await keys.begin(ref, FINGERPRINT)).toEqual({ outcome: 'started' });
    return ref;
  }

  /** Runs the journaled append with `append` standing in for the store call (and its crash). */
  function journaled(ref: IdempotencyKeyRef, stream: string, events: readonly NewEvent[], expected: ExpectedRevision, append: () => Promise<never>) {
    const request = prepareAppend(stream, events, expected, new Date().toISOString());
    return journal.appendJournaled(request, { ...ref, response: RESPONSE }, append);
  }

  const pendingRows = async (ref: IdempotencyKeyRef): Promise<number> =>
    (await sql.query('SELECT 1 FROM eventstoredb_pending_appends WHERE scope = $1 AND key = $2', [ref.scope, ref.key])).length;

  it('no crash: the key completes with the response and the journal row goes', async () => {
    const ref = await claimed();
    const stream = `${uniquePrefix('journal-ok')}1`;
    const request = prepareAppend(stream, newEvents(2), { kind: 'no_stream' }, new Date().toISOString());
    await journal.appendJournaled(request, { ...ref, response: RESPONSE }, (journaledRequest) =>
      store.append(journaledRequest.stream, journaledRequest.events, journaledRequest.expected),
    );
    expect(await pendingRows(ref)).toBe(0);
    expect(await keys.begin(ref, FINGERPRINT)).toEqual({ outcome: 'replay', response: RESPONSE });
  });

  it('crash after the append, before the key completed: the retry replays the original response, events stored once', async () => {
    const ref = await claimed();
    const stream = `${uniquePrefix('journal-after')}1`;
    const events = newEvents(2);
    await expect(
      journaled(ref, stream, events, { kind: 'no_stream' }, async () => {
        await store.append(stream, events, { kind: 'no_stream' });
        throw new Error('process died before completing the key');
      }),
    ).rejects.toThrow('process died');
    expect(await pendingRows(ref)).toBe(1);
    expect(await keys.begin(ref, FINGERPRINT)).toEqual({ outcome: 'replay', response: RESPONSE });
    expect((await store.readStream(stream, { maxCount: 10 })).map((event) => event.id)).toEqual(events.map((event) => event.id));
    expect(await pendingRows(ref)).toBe(0);
  });

  it('crash before the append reached the store: the retry writes the journaled events once and replays the response', async () => {
    const ref = await claimed();
    const stream = `${uniquePrefix('journal-before')}1`;
    const events = newEvents(1);
    await expect(journaled(ref, stream, events, { kind: 'no_stream' }, () => Promise.reject(new Error('died before sending')))).rejects.toThrow();
    expect(await store.readStream(stream, { maxCount: 10 })).toEqual([]);
    expect(await keys.begin(ref, FINGERPRINT)).toEqual({ outcome: 'replay', response: RESPONSE });
    expect((await store.readStream(stream, { maxCount: 10 })).map((event) => event.id)).toEqual(events.map((event) => event.id));
  });

  it('journaled events that can no longer land (the stream moved on) are abandoned: the retry runs the command afresh', async () => {
    const ref = await claimed();
    const stream = `${uniquePrefix('journal-moved')}1`;
    await store.append(stream, newEvents(1), { kind: 'no_stream' });
    const lost = newEvents(1);
    await expect(journaled(ref, stream, lost, { kind: 'exact', revision: 0 }, () => Promise.reject(new Error('reply lost')))).rejects.toThrow();
    await store.append(stream, newEvents(1), { kind: 'exact', revision: 0 });
    expect(await keys.begin(ref, FINGERPRINT)).toEqual({ outcome: 'started' });
    expect(await pendingRows(ref)).toBe(0);
    expect((await store.readStream(stream, { maxCount: 10 })).map((event) => event.id)).not.toContain(lost[0]?.id);
  });

  it('a 500 stored after an append of unknown outcome does not pin the key when the events are stored', async () => {
    const ref = await claimed();
    const stream = `${uniquePrefix('journal-500')}1`;
    const events = newEvents(1);
    await expect(
      journaled(ref, stream, events, { kind: 'no_stream' }, async () => {
        await store.append(stream, events, { kind: 'no_stream' });
        throw new Error('deadline exceeded');
      }),
    ).rejects.toThrow();
    await keys.complete(ref, { status: 500, body: '{"code":"internal_error"}' });
    expect(await keys.begin(ref, FINGERPRINT)).toEqual({ outcome: 'replay', response: RESPONSE });
  });

  it('a definite refusal (wrong expected version) drops the journal row and leaves the key to its owner', async () => {
    const ref = await claimed();
    const stream = `${uniquePrefix('journal-refused')}1`;
    await store.append(stream, newEvents(1), { kind: 'no_stream' });
    await expect(
      journaled(ref, stream, newEvents(1), { kind: 'no_stream' }, () => store.append(stream, newEvents(1), { kind: 'no_stream' }) as Promise<never>),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await pendingRows(ref)).toBe(0);
    await keys.release(ref);
    expect(await keys.begin(ref, FINGERPRINT)).toEqual({ outcome: 'started' });
  });
});
