import { NO_STREAM, type CurrentRevision } from '@eventstore/db-client';
import type { ExpectedRevision } from '../../../../domain/eventStore/index.js';

/** The revision EventStoreDB gets for an append chained on `headRevision` (-1: no stream yet). */
export type PinnedRevision = typeof NO_STREAM | bigint;

/**
 * Whether the port's expectation holds for a stream whose last revision is `current` (-1 when
 * the stream does not exist). Checked here, against the head the hash chain was computed on.
 */
export function expectationHolds(expected: ExpectedRevision, current: number): boolean {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'no_stream':
      return current === -1;
    case 'stream_exists':
      return current >= 0;
    case 'exact':
      return current === expected.revision;
  }
}

/**
 * The expectation sent to EventStoreDB: always the exact head the events were chained on
 * (`NO_STREAM` or a BigInt revision), whatever the port's kind. With the client's `ANY` or
 * `STREAM_EXISTS` a concurrent writer could slip in between reading the head and appending, and
 * the `prevHash` links would break; pinning the head makes the server refuse that append instead.
 */
export function pinnedRevision(headRevision: number): PinnedRevision {
  return headRevision < 0 ? NO_STREAM : BigInt(headRevision);
}

/** The client's current revision as the port counts it: -1 for no stream. */
export function fromCurrentRevision(current: CurrentRevision): number {
  if (current === NO_STREAM) return -1;
  const revision = Number(current);
  if (!Number.isSafeInteger(revision)) throw new RangeError(`stream revision ${current} is beyond a safe integer`);
  return revision;
}

/**
 * Whether the port's expectation may be retried on a fresh head after the server refused the
 * pinned one: `any` and `stream_exists` did not name a revision, so another writer moving the
 * head is not a conflict for them; `no_stream` and `exact` did, so it is.
 */
export function retriesOnMovedHead(expected: ExpectedRevision): boolean {
  return expected.kind === 'any' || expected.kind === 'stream_exists';
}

/**
 * For a re-sent append whose ids are already stored from revision `firstRevision`: whether the
 * original append could have been made with this expectation (the PostgreSQL adapter's rule).
 */
export function retryConsistent(expected: ExpectedRevision, firstRevision: number): boolean {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'no_stream':
      return firstRevision === 0;
    case 'stream_exists':
      return firstRevision > 0;
    case 'exact':
      return firstRevision === expected.revision + 1;
  }
}
