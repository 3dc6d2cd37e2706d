import type { ExpectedRevision, StreamRevision } from './types.js';

/** The expectation of an append did not hold. `actualRevision` is -1 when the stream does not exist. */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actualRevision: number,
  ) {
    super(`stream ${stream}: expected ${describeExpected(expected)}, actual revision ${actualRevision}`);
  }
}

/** A stream an append depends on (`consistentWith`) is no longer at the revision its decision read. */
export function dependencyMovedError(dependency: StreamRevision, actualRevision: number): WrongExpectedVersionError {
  const expected: ExpectedRevision = dependency.revision < 0 ? { kind: 'no_stream' } : { kind: 'exact', revision: dependency.revision };
  return new WrongExpectedVersionError(dependency.stream, expected, actualRevision);
}

/** Some of the event ids already exist, but not as exactly this append at these revisions. */
export class EventIdConflictError extends Error {
  override readonly name = 'EventIdConflictError';
  constructor(
    readonly stream: string,
    readonly eventIds: readonly string[],
  ) {
    super(`stream ${stream}: event ids already appended elsewhere or partially: ${eventIds.join(', ')}`);
  }
}

/** The events or the stream name break a rule of the store (bad id, not JSON, too large…). */
export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
  constructor(
    readonly stream: string,
    readonly reason: string,
  ) {
    super(`stream ${stream}: ${reason}`);
  }
}

export function describeExpected(expected: ExpectedRevision): string {
  return expected.kind === 'exact' ? `revision ${expected.revision}` : expected.kind;
}

/**
 * The store could not be reached (connection lost, server restarting, refused): the operation may
 * or may not have taken effect, and the same request can be retried (with the same idempotency
 * key). Adapters raise it for connection-level failures only, never for a refused statement.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** True when `error`, or an error it was caused by, is a `StoreUnavailableError`. */
export function isStoreUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof StoreUnavailableError) return true;
    current = current.cause;
  }
  return false;
}
