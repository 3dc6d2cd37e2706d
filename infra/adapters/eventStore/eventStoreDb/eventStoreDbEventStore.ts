import type { EventStoreDBClient } from '@eventstore/db-client';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  LogPosition,
  NewEvent,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../../../../domain/eventStore/index.js';
import type { SqlClient } from '../../db/sqlClient.js';
import { prepareAppend } from '../postgres/appendBatch.js';
import { AllSubscription } from './allSubscription.js';
import { EventIdRegistry } from './eventIdRegistry.js';
import { IdempotencyJournal } from './idempotencyJournal.js';
import { readAllFiltered, readHeadPosition } from './readAll.js';
import { StreamAppender } from './streamAppender.js';
import { readStreamEvents } from './streamReads.js';

export type EventStoreDbEventStoreOptions = Readonly<{
  client: EventStoreDBClient;
  /** PostgreSQL: event-id reservations and the idempotency journal (migration 0009). */
  sql: SqlClient;
  readCountMax: number;
  /** Clock for `recordedAt` (injectable for tests). */
  now: () => Date;
  /** A command's events are stored but completing its idempotency key failed (it completes on the next begin). */
  onCompletionError?: (error: unknown) => void;
}>;

export const EVENTSTORE_DB_DEFAULTS = { readCountMax: 4_096, now: () => new Date() } as const;

/**
 * The event store port on EventStoreDB / KurrentDB (`@eventstore/db-client`): one stream per
 * aggregate, `$all` for the whole log, positions = `$all` commit/prepare positions. What
 * EventStoreDB does not give (ids unique across streams, an idempotency record completed with
 * the events) is kept in PostgreSQL; see docs/event-store.md, "EventStoreDB".
 *
 * Example:
 * ```ts
 * const store = new EventStoreDbEventStore({ ...EVENTSTORE_DB_DEFAULTS, client: EventStoreDBClient.connectionString(url), sql });
 * await store.append('pi-01J…', [event], { kind: 'no_stream' });
 * ```
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly appender: StreamAppender;
  private readonly journal: IdempotencyJournal;
  private readonly subscriptions = new Set<AllSubscription>();

  constructor(private readonly options: EventStoreDbEventStoreOptions) {
    this.appender = new StreamAppender(options.client, new EventIdRegistry(options.sql));
    this.journal = new IdempotencyJournal(options.sql);
  }

  /** The write-ahead journal of idempotent appends (the idempotency store resolves it). */
  get idempotencyJournal(): IdempotencyJournal {
    return this.journal;
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision, options: AppendOptions = {}): Promise<AppendResult> {
    const request = prepareAppend(stream, events, expected, this.options.now().toISOString(), options);
    const completion = options.idempotency;
    if (completion === undefined) return this.appender.append(request);
    return this.journal.appendJournaled(request, completion, (journaled) => this.appender.append(journaled), this.options.onCompletionError);
  }

  async readStream(stream: string, options: ReadStreamOptions): Promise<readonly RecordedEvent[]> {
    const stored = await readStreamEvents(this.options.client, stream, {
      backwards: options.direction === 'backwards',
      fromRevision: options.fromRevision,
      maxCount: this.boundedCount(options.maxCount),
    });
    return stored.map((entry) => entry.recorded);
  }

  readAll(options: ReadAllOptions): Promise<ReadAllResult> {
    return readAllFiltered(this.options.client, { ...options, maxCount: this.boundedCount(options.maxCount) });
  }

  subscribe(options: SubscribeOptions): Subscription {
    const subscription: AllSubscription = new AllSubscription({
      ...options,
      batchSizeMax: this.boundedCount(options.batchSizeMax),
      client: this.options.client,
      retryDelayMaxMs: 5_000,
      onEnded: () => {
        this.subscriptions.delete(subscription);
      },
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  headPosition(): Promise<LogPosition> {
    return readHeadPosition(this.options.client);
  }

  /** Stops subscriptions. Closes neither the client nor the SQL client (their owner does). */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.subscriptions.clear();
  }

  private boundedCount(count: number): number {
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError('maxCount must be an integer ≥ 1');
    return Math.min(count, this.options.readCountMax);
  }
}
