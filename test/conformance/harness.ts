import { randomUUID } from 'node:crypto';
import type { EventStore, ExpectedRevision, JsonObject, NewEvent } from '../../domain/eventStore/index.js';
import { seededRandom } from '../support/seededRandom.js';

export { seededRandom };

/**
 * What an adapter gives the conformance suite. `appendHeld` is how the suite makes writers
 * with think time inside their transaction and rollbacks: PostgreSQL holds a real transaction
 * open; a store without client transactions waits, then appends (commit) or drops (rollback).
 */
export interface ConformanceHarness {
  readonly store: EventStore;
  appendHeld(stream: string, events: readonly NewEvent[], expected: ExpectedRevision, holdMs: number, outcome: 'commit' | 'rollback'): Promise<void>;
  /** Rewrites a stored event's data behind the store's back; absent where the store forbids it. */
  tamper?: (stream: string, revision: number) => Promise<void>;
  close(): Promise<void>;
}

export type HarnessFactory = () => Promise<ConformanceHarness>;

let counter = 0;

/** A stream-name prefix no other test (or earlier run) uses. */
export function uniquePrefix(label: string): string {
  counter += 1;
  return `t${randomUUID().slice(0, 8)}${counter}-${label}-`;
}

export function newEvent(type = 'TestEvent', data: JsonObject = {}, metadata: NewEvent['metadata'] = {}): NewEvent {
  return { id: randomUUID(), type, schemaVersion: 1, data, metadata };
}

export function newEvents(count: number, type = 'TestEvent'): NewEvent[] {
  return Array.from({ length: count }, (_, index) => newEvent(type, { index }));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}
