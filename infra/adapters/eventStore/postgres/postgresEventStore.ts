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
import { EventIdConflictError, LOG_START, WrongExpectedVersionError } from '../../../../domain/eventStore/index.js';
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { SqlClient } from '../../db/sqlClient.js';
import { CatchUpSubscription } from '../catchUpSubscription.js';
import { GroupCommitter, type BatchOutcome } from '../groupCommit.js';
import { appendInTransaction, prepareAppend, type AppendRequest } from './appendBatch.js';
import { ReadAllCache, type PageRead } from './readAllCache.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './rows.js';

export type PostgresEventStoreOptions = Readonly<{
  client: SqlClient;
  /** Group commit: batches in flight at once (≤ pool size), requests and events per batch. */
  batchesInFlightMax: number;
  batchRequestsMax: number;
  batchEventsMax: number;
  /** Subscribers' fallback poll when no notification arrives. */
  pollIntervalMs: number;
  readCountMax: number;
  /** Clock for `recordedAt` (injectable for tests). */
  now: () => Date;
  /** Told the outcome of every group-commit transaction (metrics). */
  onBatch?: (batch: AppendBatchOutcome) => void;
}>;

/** One group-commit transaction: requests in it, appends committed (replays excluded), events written, refusals. */
export type AppendBatchOutcome = Readonly<{ requests: number; appendsCommitted: number; eventsAppended: number; conflicts: number; replays: number }>;

export const POSTGRES_EVENT_STORE_DEFAULTS = {
  batchesInFlightMax: 1,
  batchRequestsMax: 64,
  batchEventsMax: 2_000,
  pollIntervalMs: 250,
  readCountMax: 10_000,
  now: () => new Date(),
} as const;

/**
 * The PostgreSQL event store (also on PGlite). Appends go through group commit: one transaction
 * per batch (see appendBatch.ts); readers of the whole log use the transaction-id technique.
 * Schema: infra/adapters/db/migrations/0001_event_store.sql; design: docs/event-store.md.
 *
 * Example:
 * ```ts
 * const store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client });
 * await store.append('pi-01J…', [event], { kind: 'no_stream' });
 * ```
 */
export class PostgresEventStore implements EventStore {
  private readonly committer: GroupCommitter<AppendRequest, AppendResult>;
  private readonly subscriptions = new Set<CatchUpSubscription>();
  /** Full pages recently read, shared by subscribers reading the same part of the log (readAllCache.ts). */
  private readonly readAllCache = new ReadAllCache(32);
  private unlisten: Promise<() => Promise<void>> | undefined;
  private notifyPending = false;
  private notifyAgain = false;
  /** The `ledger.append` span of each queued request, told the size of the batch it joined. */
  private readonly appendSpans = new WeakMap<AppendRequest, Span>();

  constructor(private readonly options: PostgresEventStoreOptions) {
    this.committer = new GroupCommitter<AppendRequest, AppendResult>({
      inFlightMax: Math.max(1, Math.min(options.batchesInFlightMax, options.client.concurrencyMax)),
      batchRequestsMax: options.batchRequestsMax,
      batchWeightMax: options.batchEventsMax,
      weigh: (request) => request.events.length,
      run: (requests) => this.appendBatch(requests),
    });
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision, options: AppendOptions = {}): Promise<AppendResult> {
    const request = prepareAppend(stream, events, expected, this.options.now().toISOString(), options);
    const span = trace.getTracer('mpac-ledger').startSpan('ledger.append', { attributes: { 'ledger.stream': stream, 'ledger.append.events': events.length } });
    this.appendSpans.set(request, span);
    try {
      const result = await this.committer.submit(request);
      span.setAttribute('ledger.append.replayed', result.replayed);
      if (!result.replayed) {
        this.wakeSubscribers();
        this.notifyOtherProcesses();
      }
      return result;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  }

  async readStream(stream: string, options: ReadStreamOptions): Promise<readonly RecordedEvent[]> {
    const limit = this.boundedCount(options.maxCount);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const rows = await this.options.client.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE stream_name = $1 AND stream_revision ${backwards ? '<=' : '>='} $2
        ORDER BY ledger_events.stream_revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      [stream, String(from), limit],
    );
    return rows.map(toRecordedEvent);
  }

  readAll(options: ReadAllOptions): Promise<ReadAllResult> {
    const limit = this.boundedCount(options.maxCount);
    const types = options.filter?.eventTypes ?? [];
    const prefixes = (options.filter?.streamPrefixes ?? []).map((prefix) => `${escapeLike(prefix)}%`);
    const key = `${options.from.commit}:${options.from.prepare}|${limit}|${types.join(',')}|${prefixes.join(',')}`;
    return this.readAllCache.read(key, () => this.readPage(options.from, limit, types, prefixes));
  }

  private async readPage(from: LogPosition, limit: number, types: readonly string[], prefixes: readonly string[]): Promise<PageRead> {
    const filtered = types.length > 0 || prefixes.length > 0;
    // One statement, one snapshot: scan `limit` visible rows after `from`; return the matching
    // ones and always the last scanned one, so the checkpoint can move past non-matching rows.
    // Invariant: ORDER BY names the table's columns (qualified): EVENT_COLUMNS aliases them as
    // text, and a bare name would sort positions as text (9999 after 10000) and skip events.
    const rows = await this.options.client.query<EventRow & { matched: boolean; scanned_count: string }>(
      `WITH scanned AS MATERIALIZED (
         SELECT ${EVENT_COLUMNS}, (NOT $4::boolean OR event_type = ANY ($5::text[]) OR stream_name LIKE ANY ($6::text[])) AS matched,
                transaction_id AS tx, global_position AS gp
           FROM ledger_events
          WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
            AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY ledger_events.transaction_id, ledger_events.global_position
          LIMIT $3)
       SELECT s.*, (SELECT count(*) FROM scanned)::text AS scanned_count FROM scanned s
        WHERE s.matched OR (s.tx, s.gp) = (SELECT tx, gp FROM scanned ORDER BY tx DESC, gp DESC LIMIT 1)
        ORDER BY s.tx, s.gp`,
      [String(from.commit), String(from.prepare), limit, filtered, types, prefixes],
    );
    const last = rows.at(-1);
    const checkpoint = last === undefined ? from : toRecordedEvent(last).position;
    const result = { events: rows.filter((row) => row.matched).map(toRecordedEvent), checkpoint };
    return { result, full: last !== undefined && Number(last.scanned_count) === limit };
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.ensureListening();
    const subscription: CatchUpSubscription = new CatchUpSubscription({
      ...options,
      batchSizeMax: this.boundedCount(options.batchSizeMax),
      readAll: (readOptions) => this.readAll(readOptions),
      pollIntervalMs: this.options.pollIntervalMs,
      retryDelayMaxMs: 5_000,
      onEnded: () => {
        this.subscriptions.delete(subscription);
      },
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<LogPosition> {
    const rows = await this.options.client.query<{ tx: string; gp: string }>(
      `SELECT transaction_id::text AS tx, global_position::text AS gp FROM ledger_events
        WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    );
    const row = rows[0];
    return row === undefined ? LOG_START : { commit: BigInt(row.tx), prepare: BigInt(row.gp) };
  }

  /** Waits for queued appends, stops subscriptions and the LISTEN connection. Does not close the client. */
  async close(): Promise<void> {
    await this.committer.drained();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.subscriptions.clear();
    const unlisten = await this.unlisten?.catch(() => undefined);
    this.unlisten = undefined;
    await unlisten?.();
  }

  private async appendBatch(requests: readonly AppendRequest[]): Promise<readonly BatchOutcome<AppendResult>[]> {
    const batchEvents = requests.reduce((sum, request) => sum + request.events.length, 0);
    for (const request of requests) this.appendSpans.get(request)?.setAttributes({ 'ledger.append.batch_requests': requests.length, 'ledger.append.batch_events': batchEvents });
    const outcomes = await this.appendBatchTransaction(requests);
    this.reportBatch(requests, outcomes);
    return outcomes;
  }

  private reportBatch(requests: readonly AppendRequest[], outcomes: readonly BatchOutcome<AppendResult>[]): void {
    if (this.options.onBatch === undefined) return;
    let appendsCommitted = 0;
    let eventsAppended = 0;
    let conflicts = 0;
    let replays = 0;
    outcomes.forEach((outcome, index) => {
      if (!outcome.ok) conflicts += outcome.error instanceof WrongExpectedVersionError ? 1 : 0;
      else if (outcome.value.replayed) replays += 1;
      else {
        appendsCommitted += 1;
        eventsAppended += requests[index]?.events.length ?? 0;
      }
    });
    this.options.onBatch({ requests: requests.length, appendsCommitted, eventsAppended, conflicts, replays });
  }

  private async appendBatchTransaction(requests: readonly AppendRequest[]): Promise<readonly BatchOutcome<AppendResult>[]> {
    try {
      return await this.options.client.withSession(async (session) => {
        try {
          return await appendInTransaction(session, requests, { begin: true, commit: true });
        } catch (error) {
          await session.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      // A concurrent writer committed one of these ids first (seen only at the unique index).
      const [only] = requests;
      if (requests.length === 1 && only !== undefined && isEventIdViolation(error)) {
        return [
          {
            ok: false,
            error: new EventIdConflictError(
              only.stream,
              only.events.map((event) => event.id),
            ),
          },
        ];
      }
      throw error;
    }
  }

  private ensureListening(): void {
    if (this.unlisten !== undefined) return;
    this.unlisten = this.options.client.listen('ledger_events', () => {
      this.wakeSubscribers();
    });
    // Without LISTEN the subscribers still poll; the failure must not go unhandled.
    this.unlisten.catch(() => undefined);
  }

  /**
   * Wakes subscribers in other processes with one NOTIFY after commit, at most one in flight
   * (appends meanwhile are covered by the next one). Outside the append transaction on purpose:
   * NOTIFY at commit serializes committers cluster-wide. Losing one costs a poll interval.
   */
  private notifyOtherProcesses(): void {
    if (this.notifyPending) {
      this.notifyAgain = true;
      return;
    }
    this.notifyPending = true;
    this.notifyAgain = false;
    void this.options.client
      .query("SELECT pg_notify('ledger_events', '')")
      .catch(() => undefined)
      .finally(() => {
        this.notifyPending = false;
        if (this.notifyAgain) this.notifyOtherProcesses();
      });
  }

  private wakeSubscribers(): void {
    this.subscriptions.forEach((subscription) => {
      subscription.notify();
    });
  }

  private boundedCount(count: number): number {
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError('maxCount must be an integer ≥ 1');
    return Math.min(count, this.options.readCountMax);
  }
}

function isEventIdViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23505' && 'constraint' in error && error.constraint === 'ledger_events_event_id_key';
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (match) => `\\${match}`);
}
