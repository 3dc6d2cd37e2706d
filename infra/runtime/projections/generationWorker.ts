/**
 * Keeps one generation of a projection up to date: a whole-log subscription from the generation's
 * checkpoint, each batch applied with its checkpoint in one transaction (projectionDb.applyBatch).
 * Reading the next batch overlaps the commit of the current one; commits stay in log order.
 *
 * Failure policy: a failing batch is retried with backoff (`stalled` meanwhile); if it still fails,
 * its events are applied one at a time to find the one that fails; that event is retried, then
 * parked: recorded in `projection_parked_events`, and the generation stops before it (`parked`)
 * until an operator retries it (after a fix) or skips it explicitly. Nothing is skipped silently.
 */
import type { EventStore, LogPosition, RecordedEvent, Subscription } from '../../../domain/eventStore/index.js';
import { comparePositions, isStoreUnavailable } from '../../../domain/eventStore/index.js';
import type { Projector } from '../../../projections/runtime/projector.js';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import { sleep } from '../../adapters/kafka/backoff.js';
import { RateMeter } from '../../adapters/observability/rateMeter.js';
import type { CatchUpPacer, PacedReader } from './catchUpPacer.js';
import { LagSamples } from './lagSamples.js';
import { inBatchSpan } from './batchSpan.js';
import type { Generation } from './projectionDb.js';
import { applyBatch, markCaughtUp, ProjectionFencedError, recordParked, resolveParked } from './projectionDb.js';

export type WorkerState = 'catching_up' | 'running' | 'stalled' | 'parked' | 'stopped' | 'failed';

export type WorkerSettings = Readonly<{
  client: SqlClient;
  store: EventStore;
  projector: Projector;
  generation: Generation;
  batchSizeMax: number;
  /** Attempts of a batch (and then of a single event) before parking it. */
  attemptsMax: number;
  retryDelayMs: (attempt: number) => number;
  onFatal: (error: unknown) => void;
  /** Keeps this worker's reads within reach of its peers' while catching up (catchUpPacer.ts). */
  pacer?: CatchUpPacer;
  onLog: (level: 'info' | 'warn' | 'error', message: string, details: Record<string, unknown>) => void;
}>;

type ParkedWait = Readonly<{ event: RecordedEvent; resolve: (resolution: 'retry' | 'skip') => void }>;

/** The worker was stopped in the middle of a batch: nothing more may be committed for it. */
class WorkerStoppedError extends Error {
  override readonly name = 'WorkerStoppedError';
}

const messageOf = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

export class GenerationWorker {
  private subscription: Subscription | undefined;
  private paced: PacedReader | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private committed: LogPosition;
  /** What keeps the worker from running normally, if anything; `state` derives from it and `hasCaughtUp`. */
  private trouble: 'stalled' | 'parked' | 'stopped' | 'failed' | null = null;
  /** Set once the subscription first reached the end of the log with nothing left in flight. */
  private hasCaughtUp = false;
  private parkedWait: ParkedWait | undefined;
  private readonly abort = new AbortController();
  readonly meter = new RateMeter();
  readonly lag = new LagSamples();
  lastError: Readonly<{ message: string; at: string }> | null = null;

  constructor(private readonly settings: WorkerSettings) {
    this.committed = settings.generation.position;
  }

  get generation(): Generation {
    return this.settings.generation;
  }

  get state(): WorkerState {
    if (this.trouble !== null) return this.trouble;
    return this.hasCaughtUp ? 'running' : 'catching_up';
  }

  /** The last committed checkpoint (what a restart resumes from). */
  get checkpoint(): LogPosition {
    return this.committed;
  }

  get parkedEvent(): RecordedEvent | undefined {
    return this.parkedWait?.event;
  }

  start(): void {
    const { store, projector, batchSizeMax, pacer } = this.settings;
    this.paced = pacer?.join(projector.filter, this.committed, () => this.state === 'catching_up');
    this.subscription = store.subscribe({
      from: this.committed,
      filter: projector.filter,
      batchSizeMax,
      onEvents: (events, checkpoint) => this.enqueue(events, checkpoint),
      onError: (error) => {
        this.fail(error);
      },
    });
    void this.subscription.caughtUp().then(async () => {
      this.paced?.leave();
      await this.inFlight.catch(() => undefined);
      this.hasCaughtUp = true;
      const { client, generation } = this.settings;
      await client.withSession((session) => markCaughtUp(session, generation.name, generation.generation)).catch(() => undefined);
    });
  }

  /** Resolves once everything visible when it was called is applied (or the worker ended). */
  async caughtUp(): Promise<void> {
    await this.subscription?.caughtUp();
    await this.inFlight.catch(() => undefined);
  }

  /**
   * True once the worker has caught up at least once and its subscription's position (matching or
   * not) is at or past `position`, with nothing in flight.
   */
  async hasReached(position: LogPosition): Promise<boolean> {
    const subscription = this.subscription;
    if (subscription === undefined || !this.hasCaughtUp) return false;
    await this.inFlight.catch(() => undefined);
    return comparePositions(subscription.checkpoint, position) >= 0 && comparePositions(this.committed, subscription.checkpoint) <= 0;
  }

  /** Operator: try the parked event again (after a fix). False when nothing is parked. */
  retryParked(): boolean {
    const wait = this.parkedWait;
    if (wait === undefined) return false;
    wait.resolve('retry');
    return true;
  }

  /** Operator: move past the parked event without applying it (the record stays). False when nothing is parked. */
  skipParked(eventId: string): boolean {
    const wait = this.parkedWait;
    if (wait?.event.id !== eventId) return false;
    wait.resolve('skip');
    return true;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.paced?.leave();
    this.parkedWait?.resolve('retry');
    await this.subscription?.stop();
    await this.inFlight.catch(() => undefined);
    if (this.trouble !== 'failed') this.trouble = 'stopped';
  }

  private async enqueue(events: readonly RecordedEvent[], checkpoint: LogPosition): Promise<void> {
    await this.inFlight;
    const from = this.committed;
    this.inFlight = this.applyWithRetries(events, from, checkpoint);
    this.inFlight.catch((error: unknown) => {
      this.fail(error);
    });
    // The batch applies meanwhile; the next page is read once this reader is not too far ahead of its peers.
    this.paced?.advanced(checkpoint);
    await this.paced?.wait(this.abort.signal);
  }

  private fail(error: unknown): void {
    if (this.abort.signal.aborted) return;
    this.trouble = 'failed';
    this.recordError(error);
    this.settings.onFatal(error);
  }

  private recordError(error: unknown): void {
    this.lastError = { message: messageOf(error), at: new Date().toISOString() };
  }

  private async applyWithRetries(events: readonly RecordedEvent[], from: LogPosition, to: LogPosition): Promise<void> {
    if (await this.tryApply(events, from, to)) return;
    // The batch keeps failing: find the event that does, one at a time.
    let cursor = from;
    for (const event of events) {
      while (!(await this.tryApply([event], cursor, event.position))) {
        this.throwIfStopped();
        const resolution = await this.park(event);
        if (resolution === 'skip') {
          await this.commit([], cursor, event.position);
          break;
        }
      }
      cursor = event.position;
    }
    await this.commit([], cursor, to);
  }

  /** Applies with up to `attemptsMax` attempts; false when every attempt failed (fencing and stops rethrow). */
  private async tryApply(events: readonly RecordedEvent[], from: LogPosition, to: LogPosition): Promise<boolean> {
    const { attemptsMax, retryDelayMs, generation, onLog } = this.settings;
    let outages = 0;
    for (let attempt = 1; attempt <= attemptsMax;) {
      this.throwIfStopped();
      try {
        await this.commit(events, from, to);
        if (this.trouble === 'stalled' || this.trouble === 'parked') this.trouble = null;
        return true;
      } catch (error) {
        if (error instanceof ProjectionFencedError) throw error;
        this.recordError(error);
        this.trouble = 'stalled';
        // The database being unreachable says nothing about the events: wait for it, never park for it.
        if (isStoreUnavailable(error)) {
          outages += 1;
          if (outages === 1)
            onLog('warn', 'database unavailable; the projection waits for it', { projection: generation.name, generation: generation.generation, err: messageOf(error) });
          await sleep(retryDelayMs(Math.min(outages, 4)), this.abort.signal);
          continue;
        }
        onLog('warn', 'projection batch failed; retrying', {
          projection: generation.name,
          generation: generation.generation,
          attempt,
          events: events.length,
          err: messageOf(error),
        });
        if (attempt < attemptsMax) await sleep(retryDelayMs(attempt), this.abort.signal);
        attempt += 1;
      }
    }
    return false;
  }

  private throwIfStopped(): void {
    if (this.abort.signal.aborted) throw new WorkerStoppedError('the projection worker was stopped');
  }

  private async commit(events: readonly RecordedEvent[], from: LogPosition, to: LogPosition): Promise<void> {
    const { client, projector, generation } = this.settings;
    const apply = () => client.withSession((session) => applyBatch(session, projector, generation, events, from, to));
    await (events.length === 0 ? apply() : inBatchSpan(projector.name, generation.generation, events, apply));
    this.committed = to;
    if (events.length === 0) return;
    this.meter.add(events.length);
    if (this.subscription?.state === 'live') {
      const now = Date.now();
      for (const event of events) this.lag.add(Math.max(0, now - Date.parse(event.recordedAt)));
    }
  }

  private async park(event: RecordedEvent): Promise<'retry' | 'skip'> {
    const { client, generation, attemptsMax, onLog } = this.settings;
    const error = this.lastError?.message ?? 'unknown error';
    await client.withSession((session) => recordParked(session, generation, event, error, attemptsMax));
    this.trouble = 'parked';
    onLog('error', 'projection parked an event it cannot apply', {
      projection: generation.name,
      generation: generation.generation,
      eventId: event.id,
      eventType: event.type,
      stream: event.stream,
      err: error,
    });
    const resolution = await new Promise<'retry' | 'skip'>((resolve) => {
      this.parkedWait = { event, resolve };
    });
    this.parkedWait = undefined;
    if (!this.abort.signal.aborted) {
      await client.withSession((session) => resolveParked(session, generation.name, generation.generation, event.id, resolution === 'skip' ? 'skipped' : 'retried'));
      onLog('warn', `parked event ${resolution === 'skip' ? 'skipped' : 'retried'} by an operator`, { projection: generation.name, eventId: event.id });
    }
    // A skipped event leaves nothing failing (it may have been the last one: no later batch would clear it).
    this.trouble = resolution === 'skip' ? null : 'stalled';
    return resolution;
  }
}
