import { randomUUID } from 'node:crypto';
import { jsonEvent, type EventStoreDBClient } from '@eventstore/db-client';
import type { AppendResult, ExpectedRevision, NewEvent } from '../../../../domain/eventStore/index.js';
import { EventIdConflictError, WrongExpectedVersionError, dependencyMovedError } from '../../../../domain/eventStore/index.js';
import { chainHash } from '../hashChain.js';
import type { AppendRequest } from '../postgres/appendBatch.js';
import { encodeEnvelope } from './envelope.js';
import { clientActualRevision, toPortAppendError } from './errors.js';
import { expectationHolds, pinnedRevision, retriesOnMovedHead, retryConsistent } from './expectations.js';
import type { EventIdRegistry } from './eventIdRegistry.js';
import { readStreamEvents, readStreamHead, type StreamHead } from './streamReads.js';
import type { StoredEvent } from './recorded.js';

/** Attempts for `any` / `stream_exists` appends when other writers keep moving the head. */
export const MOVED_HEAD_ATTEMPTS_MAX = 20;
const LOCATE_PAGE = 500;

/**
 * One append to EventStoreDB, with the port's semantics:
 * 1. reserve the ids for the stream in PostgreSQL (ids in another stream → EventIdConflictError);
 * 2. if some were reserved before (a retry?), find them in the stream → the original result,
 *    `replayed: true` (or EventIdConflictError when only some are there);
 * 3. read the head, check the port's expectation and the heads of the streams it depends on
 *    (`consistentWith`: read just before the append, not atomically with it — EventStoreDB has no
 *    multi-stream transaction; docs/event-store.md), chain the hashes on it, append pinned to that
 *    head (NO_STREAM or its revision); the server refusing the pin means another writer moved
 *    the head: our ids there → replayed, `any`/`stream_exists` → again on the new head, else
 *    WrongExpectedVersionError with the actual revision;
 * 4. read the written events back for their `$all` positions; an `appendId` not ours means the
 *    server answered idempotently for an identical concurrent append → `replayed: true`.
 */
export class StreamAppender {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly registry: EventIdRegistry,
  ) {}

  async append(request: AppendRequest): Promise<AppendResult> {
    const { stream, events, expected } = request;
    const reservation = await this.registry.reserve(
      stream,
      events.map((event) => event.id),
    );
    if (reservation.previouslyReserved) {
      const retry = await this.findRetry(stream, events, expected);
      if (retry !== undefined) return retry;
    }
    for (let attempt = 1; ; attempt += 1) {
      const head = await readStreamHead(this.client, stream);
      if (!expectationHolds(expected, head.revision)) throw new WrongExpectedVersionError(stream, expected, head.revision);
      await this.checkDependencies(request);
      const appendId = randomUUID();
      try {
        await this.client.appendToStream(stream, this.toEventData(request, head, appendId), { expectedRevision: pinnedRevision(head.revision) });
      } catch (error) {
        const actual = clientActualRevision(error);
        if (actual === undefined) throw toPortAppendError(error, stream, expected) ?? error;
        const landed = await this.readRun(stream, events, head.revision + 1);
        if (landed !== undefined) return toResult(landed, true);
        if (!retriesOnMovedHead(expected) || attempt >= MOVED_HEAD_ATTEMPTS_MAX) throw new WrongExpectedVersionError(stream, expected, actual);
        continue;
      }
      const written = await this.readRun(stream, events, head.revision + 1);
      if (written === undefined) throw new Error(`stream ${stream}: appended events not found at revision ${head.revision + 1}`);
      return toResult(written, written.at(-1)?.appendId !== appendId);
    }
  }

  /** Refuses the append when a stream its decision read has moved since (checked before appending). */
  private async checkDependencies(request: AppendRequest): Promise<void> {
    for (const condition of request.options.consistentWith ?? []) {
      const { revision } = await readStreamHead(this.client, condition.stream);
      if (revision !== condition.revision) throw dependencyMovedError(condition, revision);
    }
  }

  private toEventData(request: AppendRequest, head: StreamHead, appendId: string) {
    let prevHash = head.hash;
    return request.events.map((event, offset) => {
      const hash = chainHash(prevHash, request.texts[offset] ?? '');
      const metadata = encodeEnvelope({ schemaVersion: event.schemaVersion, recordedAt: request.recordedAt, prevHash, hash, appendId, metadata: event.metadata });
      prevHash = hash;
      return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata });
    });
  }

  /** The stored events at `revision…` when they are exactly these ids, in order. */
  private async readRun(stream: string, events: readonly NewEvent[], revision: number): Promise<StoredEvent[] | undefined> {
    const stored = await readStreamEvents(this.client, stream, { backwards: false, fromRevision: revision, maxCount: events.length });
    const same = stored.length === events.length && stored.every((entry, index) => entry.recorded.id === events[index]?.id);
    return same ? stored : undefined;
  }

  /** Finds an earlier append of these ids in the stream (scanning it forwards). */
  private async findRetry(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult | undefined> {
    const ids = new Set(events.map((event) => event.id));
    const firstId = events[0]?.id;
    let from = 0;
    let head = -1;
    for (;;) {
      const page = await readStreamEvents(this.client, stream, { backwards: false, fromRevision: from, maxCount: LOCATE_PAGE });
      const hit = page.find((entry) => ids.has(entry.recorded.id));
      if (hit !== undefined) {
        if (hit.recorded.id !== firstId) throw new EventIdConflictError(stream, [...ids]);
        const run = await this.readRun(stream, events, hit.recorded.revision);
        if (run === undefined) throw new EventIdConflictError(stream, [...ids]);
        if (!retryConsistent(expected, hit.recorded.revision)) {
          const current = await readStreamHead(this.client, stream);
          throw new WrongExpectedVersionError(stream, expected, current.revision);
        }
        return toResult(run, true);
      }
      head = page.at(-1)?.recorded.revision ?? head;
      if (page.length < LOCATE_PAGE) return undefined;
      from = head + 1;
    }
  }
}

function toResult(run: readonly StoredEvent[], replayed: boolean): AppendResult {
  const last = run.at(-1);
  if (last === undefined) throw new Error('an append has at least one event');
  return { nextExpectedRevision: last.recorded.revision, position: last.recorded.position, replayed };
}
