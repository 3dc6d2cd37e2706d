import { MaxAppendSizeExceededError, StreamDeletedError, WrongExpectedVersionError as ClientWrongExpectedVersionError } from '@eventstore/db-client';
import type { ExpectedRevision } from '../../../../domain/eventStore/index.js';
import { InvalidAppendError, WrongExpectedVersionError } from '../../../../domain/eventStore/index.js';
import { fromCurrentRevision } from './expectations.js';

/** The client's refusal of a pinned append: the head moved (actual revision) or not. */
export function clientActualRevision(error: unknown): number | undefined {
  return error instanceof ClientWrongExpectedVersionError ? fromCurrentRevision(error.actualVersion) : undefined;
}

/**
 * The port's error for an error of the client during an append, or undefined when it is not a
 * refusal of this append (unavailable, timeout, access denied…: rethrown as they are):
 * - WrongExpectedVersionError → the port's, with the port's expectation and the actual revision;
 * - MaxAppendSizeExceededError → InvalidAppendError (the server's size limit);
 * - StreamDeletedError → InvalidAppendError (a tombstoned stream takes no events).
 */
export function toPortAppendError(error: unknown, stream: string, expected: ExpectedRevision): Error | undefined {
  if (error instanceof ClientWrongExpectedVersionError) {
    return new WrongExpectedVersionError(stream, expected, fromCurrentRevision(error.actualVersion));
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return new InvalidAppendError(stream, `the append is larger than the server's maximum of ${error.maxAppendSize} bytes`);
  }
  if (error instanceof StreamDeletedError) return new InvalidAppendError(stream, 'the stream is deleted in EventStoreDB');
  return undefined;
}

/** A one-line reason for a failed call, for start-up errors: the client's type and message. */
export function describeClientError(error: unknown): string {
  if (error instanceof Error) {
    const type = 'type' in error && typeof error.type === 'string' ? `${error.type}: ` : '';
    return `${type}${error.message}`.replace(/\s+/g, ' ').trim();
  }
  return String(error);
}
