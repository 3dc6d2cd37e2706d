/**
 * Keeps the projections that catch up together within reach of one read of the log. The event
 * store shares a page among subscribers with the same filter that read it while it is still
 * cached (a few dozen pages, postgres/readAllCache.ts); projectors that read the same part of the
 * log (projections/runtime/paymentLog.ts) but apply at different speeds would drift apart, and
 * the slower ones would scan, send and parse every page again. So a catching-up reader that is
 * more than `leadPagesMax` pages ahead of a healthy reader of its filter waits before it reads
 * on — unless that reader is more than `reachPages` behind (joined late, far back: no page it
 * needs is still cached, so waiting would share nothing). Pages are counted, not positions (whose
 * unit is the store's: an event count in PostgreSQL, bytes in EventStoreDB): the pacer remembers
 * where each page first read ended, from where the first reader of the filter started.
 *
 * Only pace, never a dependency: a peer counts while it is catching up, not in trouble (stalled,
 * parked, stopped) and has moved within `staleMs`; a stuck peer is left behind after `staleMs`.
 * Nothing here decides what is applied or committed, only when the next page is read.
 */
import type { EventFilter, LogPosition } from '../../../domain/eventStore/index.js';
import { comparePositions } from '../../../domain/eventStore/index.js';

export type PacerSettings = Readonly<{
  /** How many pages a reader may run ahead of a slower peer. */
  leadPagesMax: number;
  /** A peer further behind than this many pages is not waited for (its pages are no longer cached). */
  reachPages: number;
  /** A peer that has not moved for this long no longer holds the others back. */
  staleMs: number;
  nowMs?: () => number;
}>;

type Reader = {
  readonly key: string;
  position: LogPosition;
  movedAtMs: number;
  readonly pacing: () => boolean;
};

/** The pages of one filter read during this catch-up: from `base`, where each first ended (ascending). */
type Track = { readonly base: LogPosition; readonly ends: LogPosition[] };

/** One reader's handle: `advanced` after each page it read, `wait` before it reads the next. */
export type PacedReader = Readonly<{
  advanced: (position: LogPosition) => void;
  wait: (signal: AbortSignal) => Promise<void>;
  leave: () => void;
}>;

export const filterKey = (filter: EventFilter): string => JSON.stringify([filter.eventTypes ?? [], filter.streamPrefixes ?? []]);

/** How many of `track`'s pages end at or before `position`; undefined before the track's start (distance unknown). */
function pageIndex(track: Track, position: LogPosition): number | undefined {
  if (comparePositions(position, track.base) < 0) return undefined;
  let low = 0;
  let high = track.ends.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const end = track.ends[middle];
    if (end !== undefined && comparePositions(end, position) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class CatchUpPacer {
  private readonly readers = new Set<Reader>();
  private readonly tracks = new Map<string, Track>();
  private waiters = new Set<() => void>();
  private readonly nowMs: () => number;

  constructor(private readonly settings: PacerSettings) {
    this.nowMs = settings.nowMs ?? Date.now;
  }

  /** Registers a reader of `filter` starting at `from`; `pacing` is true while it catches up without trouble. */
  join(filter: EventFilter, from: LogPosition, pacing: () => boolean): PacedReader {
    const reader: Reader = { key: filterKey(filter), position: from, movedAtMs: this.nowMs(), pacing };
    if (!this.tracks.has(reader.key)) this.tracks.set(reader.key, { base: from, ends: [] });
    this.readers.add(reader);
    return {
      advanced: (position) => {
        reader.position = position;
        reader.movedAtMs = this.nowMs();
        const ends = this.tracks.get(reader.key)?.ends;
        const last = ends?.at(-1);
        if (last === undefined || comparePositions(position, last) > 0) ends?.push(position);
        this.wakeAll();
      },
      wait: (signal) => this.waitFor(reader, signal),
      leave: () => {
        this.readers.delete(reader);
        // The catch-up of this filter is over once nobody reads it: its pages are forgotten.
        if (![...this.readers].some((other) => other.key === reader.key)) this.tracks.delete(reader.key);
        this.wakeAll();
      },
    };
  }

  /** True while a healthy peer within reach is more than `leadPagesMax` pages behind `reader`. */
  private tooFarAhead(reader: Reader): boolean {
    const track = this.tracks.get(reader.key);
    const own = track === undefined ? undefined : pageIndex(track, reader.position);
    if (track === undefined || own === undefined || !reader.pacing()) return false;
    const now = this.nowMs();
    for (const peer of this.readers) {
      if (peer === reader || peer.key !== reader.key || !peer.pacing() || now - peer.movedAtMs > this.settings.staleMs) continue;
      const theirs = pageIndex(track, peer.position);
      if (theirs === undefined) continue;
      const lead = own - theirs;
      if (lead > this.settings.leadPagesMax && lead <= this.settings.reachPages) return true;
    }
    return false;
  }

  private async waitFor(reader: Reader, signal: AbortSignal): Promise<void> {
    while (!signal.aborted && this.tooFarAhead(reader)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.waiters.delete(done);
          resolve();
        };
        // Re-checked whenever a reader moves or leaves, and after `staleMs` (a peer may have gone stale).
        const timer = setTimeout(done, this.settings.staleMs);
        signal.addEventListener('abort', done, { once: true });
        this.waiters.add(done);
      });
    }
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }
}
