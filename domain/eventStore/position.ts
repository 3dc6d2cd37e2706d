/**
 * A place in the whole log. Ordered lexicographically by (commit, prepare).
 *
 * - PostgreSQL adapter: `commit` = xid8 of the writing transaction, `prepare` = the row's
 *   global sequence number (the transaction-id technique; see docs/event-store.md).
 * - EventStoreDB adapter: the `$all` commit and prepare positions.
 *
 * Example: `comparePositions({ commit: 5n, prepare: 9n }, { commit: 6n, prepare: 1n }) < 0`.
 */
export type LogPosition = Readonly<{ commit: bigint; prepare: bigint }>;

/** Before the first event: reading from here returns the whole log. */
export const LOG_START: LogPosition = Object.freeze({ commit: 0n, prepare: 0n });

export function comparePositions(a: LogPosition, b: LogPosition): -1 | 0 | 1 {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** `"commit:prepare"`, stable for checkpoints and HTTP cursors. */
export function formatPosition(position: LogPosition): string {
  return `${position.commit}:${position.prepare}`;
}

const POSITION_PATTERN = /^(\d{1,20}):(\d{1,20})$/;

/** Parses `formatPosition` output; returns undefined for anything else. */
export function parsePosition(text: string): LogPosition | undefined {
  const match = POSITION_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, commit, prepare] = match;
  if (commit === undefined || prepare === undefined) return undefined;
  return Object.freeze({ commit: BigInt(commit), prepare: BigInt(prepare) });
}
