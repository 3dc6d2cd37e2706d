import { START, type Position, type ReadPosition } from '@eventstore/db-client';
import type { LogPosition } from '../../../../domain/eventStore/index.js';
import { LOG_START, comparePositions } from '../../../../domain/eventStore/index.js';

/** An `$all` position as the port's LogPosition (the same two numbers: commit, then prepare). */
export function toLogPosition(position: Position): LogPosition {
  if (position.commit < 0n || position.prepare < 0n) throw new RangeError(`not a log position: ${position.commit}/${position.prepare}`);
  return Object.freeze({ commit: position.commit, prepare: position.prepare });
}

/** Where a forward `$all` read starts for "events after `from`": START for the log start. */
export function readAllStart(from: LogPosition): ReadPosition {
  return comparePositions(from, LOG_START) === 0 ? START : { commit: from.commit, prepare: from.prepare };
}

/**
 * EventStoreDB reads `$all` from a position inclusively; the port's `from` is exclusive. True
 * for the events the port may return.
 */
export function isAfter(position: LogPosition, from: LogPosition): boolean {
  return comparePositions(position, from) > 0;
}
