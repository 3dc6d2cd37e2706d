import type { IdempotencyCompletion } from '../idempotency/index.js';
import type { LogPosition } from './position.js';

/** Any JSON value that survives a round trip through PostgreSQL jsonb and EventStoreDB. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;
export type JsonObject = { readonly [key: string]: JsonValue };

/**
 * What a command handler hands to `append`. `id` is a UUID chosen by the writer (derive it
 * deterministically from the command so a retry after a lost reply re-sends the same id).
 */
export type NewEvent = Readonly<{
  id: string;
  type: string;
  schemaVersion: number;
  data: JsonObject;
  metadata: EventMetadata;
}>;

/** Metadata every event may carry (ARCHITECTURE.md §4). All optional, all strings. */
export type EventMetadata = Readonly<{
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
  actor?: string;
  idempotencyKey?: string;
}>;

/** An event as stored: the new event plus where and when it landed and its hash-chain link. */
export type RecordedEvent = NewEvent &
  Readonly<{
    stream: string;
    /** 0-based position within the stream. */
    revision: number;
    position: LogPosition;
    /** ISO-8601 UTC with milliseconds, assigned by the writer. */
    recordedAt: string;
    /** Lower-case hex SHA-256; 64 zeros for the first event of a stream. */
    prevHash: string;
    hash: string;
  }>;

/**
 * The optimistic-concurrency expectation of an append:
 * `no_stream` (create only), `stream_exists`, `any` (no check), or an exact last revision.
 */
export type ExpectedRevision = Readonly<{ kind: 'no_stream' }> | Readonly<{ kind: 'stream_exists' }> | Readonly<{ kind: 'any' }> | Readonly<{ kind: 'exact'; revision: number }>;

/** A stream at the revision a decision read it at (−1: the stream did not exist). */
export type StreamRevision = Readonly<{ stream: string; revision: number }>;

export type AppendOptions = Readonly<{
  /** Completes this idempotency key atomically with the events (written only if they are). */
  idempotency?: IdempotencyCompletion;
  /**
   * Other streams the decision was taken on, at the revisions it read: the append commits only
   * if each is still at that revision when it commits (a writer of one of them meanwhile waits
   * or comes after), else `WrongExpectedVersionError` naming that stream, writing nothing. Read,
   * never written: docs/event-store.md, "Appends that depend on other streams".
   */
  consistentWith?: readonly StreamRevision[];
}>;

export type AppendResult = Readonly<{
  /** The stream's last revision after the append: pass it as the next `exact` expectation. */
  nextExpectedRevision: number;
  /** Position of the last appended event. */
  position: LogPosition;
  /** True when every event id was already in the stream at these revisions (a retry). */
  replayed: boolean;
}>;

export type ReadDirection = 'forwards' | 'backwards';

export type ReadStreamOptions = Readonly<{
  direction?: ReadDirection;
  /** Inclusive start revision; default: the first (forwards) or the last (backwards). */
  fromRevision?: number;
  maxCount: number;
}>;

/** Events pass when they match ANY listed type or ANY listed stream prefix. */
export type EventFilter = Readonly<{
  eventTypes?: readonly string[];
  streamPrefixes?: readonly string[];
}>;

export type ReadAllOptions = Readonly<{
  /** Exclusive: events strictly after this position. */
  from: LogPosition;
  maxCount: number;
  filter?: EventFilter;
}>;

export type ReadAllResult = Readonly<{
  events: readonly RecordedEvent[];
  /**
   * How far the read looked, matching or not: resume from here. Equals `from` when nothing new
   * is visible yet. With a filter this can move past events that did not match.
   */
  checkpoint: LogPosition;
}>;

export type SubscriptionHandler = (events: readonly RecordedEvent[], checkpoint: LogPosition) => Promise<void>;

export type SubscribeOptions = Readonly<{
  from: LogPosition;
  filter?: EventFilter;
  batchSizeMax: number;
  /** Called with each batch in log order; the next batch waits for the returned promise. */
  onEvents: SubscriptionHandler;
  /** Called once when the subscription stops because of an error (the handler's or the store's). */
  onError?: (error: unknown) => void;
}>;

export type SubscriptionState = 'catching_up' | 'live' | 'stopped' | 'failed';

export interface Subscription {
  readonly state: SubscriptionState;
  /** The checkpoint after the last batch the handler finished. */
  readonly checkpoint: LogPosition;
  /** Resolves once the subscription has delivered everything visible at least once. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The event store port. Two adapters implement it (PostgreSQL, EventStoreDB) and pass one
 * conformance suite (infra/adapters/eventStore/conformance).
 *
 * Example:
 * ```ts
 * const result = await store.append('pi-01J…', [event], { kind: 'no_stream' });
 * const events = await store.readStream('pi-01J…', { maxCount: 100 });
 * ```
 */
export interface EventStore {
  /**
   * Appends atomically. Throws `WrongExpectedVersionError` (with the actual revision) when the
   * expectation fails, and `EventIdConflictError` when some ids exist elsewhere. Re-sending the
   * same ids at the same expectation returns the original result with `replayed: true`.
   */
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision, options?: AppendOptions): Promise<AppendResult>;
  readStream(stream: string, options: ReadStreamOptions): Promise<readonly RecordedEvent[]>;
  /** Committed events after `from`, in log order, each exactly once across successive calls. */
  readAll(options: ReadAllOptions): Promise<ReadAllResult>;
  /** A catch-up subscription to the whole log that turns live without a gap. */
  subscribe(options: SubscribeOptions): Subscription;
  /** The position of the newest event visible to readers (LOG_START when empty). */
  headPosition(): Promise<LogPosition>;
  close(): Promise<void>;
}
