import { START, type AllStreamResolvedEvent, type AllStreamSubscription, type EventStoreDBClient } from '@eventstore/db-client';
import type { LogPosition, ReadAllResult, RecordedEvent, SubscribeOptions, Subscription, SubscriptionState } from '../../../../domain/eventStore/index.js';
import { LOG_START, comparePositions } from '../../../../domain/eventStore/index.js';
import { WakeSignal } from '../wakeSignal.js';
import { serverFilter } from './filters.js';
import { isAfter, toLogPosition } from './positions.js';
import { readAllFiltered } from './readAll.js';
import { matchesFilter, toRecordedEvent } from './recorded.js';

export type AllSubscriptionOptions = SubscribeOptions & Readonly<{ client: EventStoreDBClient; retryDelayMaxMs: number; onEnded: () => void }>;

/**
 * A catch-up subscription to `$all`: catches up with `readAll` pages from the checkpoint (each
 * handed to the handler), and when a read finds nothing new it is caught up and opens the
 * client's `subscribeToAll` from that same checkpoint, filtered on the server (stream-name
 * prefixes or event types, see filters.ts), so the switch to live has no gap. Live events are
 * taken in batches of what the client has buffered (≤ batchSizeMax); the stream is paused while
 * the handler runs. A dropped subscription starts over from the checkpoint (backoff); a handler
 * error stops it in state `failed`.
 */
export class AllSubscription implements Subscription {
  private currentState: SubscriptionState = 'catching_up';
  private position: LogPosition;
  private readonly wake = new WakeSignal();
  private live: AllStreamSubscription | undefined;
  private liveError: unknown;
  private liveEnded = false;
  private caughtUpWaiters: (() => void)[] = [];
  private hasCaughtUp = false;
  private readonly loop: Promise<void>;

  constructor(private readonly options: AllSubscriptionOptions) {
    this.position = options.from;
    this.loop = this.run();
  }

  get state(): SubscriptionState {
    return this.currentState;
  }

  get checkpoint(): LogPosition {
    return this.position;
  }

  caughtUp(): Promise<void> {
    if (this.hasCaughtUp || !this.running) return Promise.resolve();
    return new Promise((resolve) => this.caughtUpWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    if (this.currentState !== 'failed') this.currentState = 'stopped';
    this.wake.notify();
    await this.closeLive();
    await this.loop;
    this.releaseWaiters();
    this.options.onEnded();
  }

  private get running(): boolean {
    return this.currentState === 'catching_up' || this.currentState === 'live';
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        await this.catchUp();
        if (!this.running) return;
        this.markCaughtUp();
        await this.followLive();
        failures = 0;
      } catch (error) {
        if (error instanceof HandlerFailure) return;
        failures += 1;
        await this.closeLive();
        await this.wake.wait(Math.min(this.options.retryDelayMaxMs, 50 * 2 ** Math.min(failures, 10)));
      }
    }
  }

  /** readAll pages until one brings nothing new. */
  private async catchUp(): Promise<void> {
    while (this.running) {
      const filter = this.options.filter;
      const page: ReadAllResult = await readAllFiltered(this.options.client, {
        from: this.position,
        maxCount: this.options.batchSizeMax,
        ...(filter === undefined ? {} : { filter }),
      });
      if (page.events.length > 0) await this.deliver(page.events, page.checkpoint);
      else if (comparePositions(page.checkpoint, this.position) > 0) this.position = page.checkpoint;
      else return;
    }
  }

  /** The live phase: returns when the subscription ends or fails (the caller starts over). */
  private async followLive(): Promise<void> {
    const from = comparePositions(this.position, LOG_START) === 0 ? START : { ...this.position };
    // The client buffers up to highWaterMark events (objects) while the handler runs: one batch's worth.
    const live = this.options.client.subscribeToAll({ fromPosition: from, filter: serverFilter(this.options.filter) }, { highWaterMark: this.options.batchSizeMax });
    this.live = live;
    this.liveError = undefined;
    this.liveEnded = false;
    live.on('readable', () => {
      this.wake.notify();
    });
    live.on('error', (error: unknown) => {
      this.liveError = error;
      this.wake.notify();
    });
    live.on('end', () => {
      this.liveEnded = true;
      this.wake.notify();
    });
    while (this.running) {
      const batch = this.takeBuffered(live);
      if (batch.checkpoint !== undefined) {
        if (batch.events.length > 0) await this.deliver(batch.events, batch.checkpoint);
        else this.position = batch.checkpoint;
      } else if (this.liveError !== undefined) throw this.liveError instanceof Error ? this.liveError : new Error('the $all subscription failed');
      else if (this.liveEnded) throw new Error('the $all subscription ended');
      else await this.wake.wait(60_000);
    }
  }

  private takeBuffered(live: AllStreamSubscription): { events: RecordedEvent[]; checkpoint: LogPosition | undefined } {
    const events: RecordedEvent[] = [];
    let checkpoint: LogPosition | undefined;
    while (events.length < this.options.batchSizeMax) {
      const resolved = live.read() as AllStreamResolvedEvent | null;
      if (resolved === null) break;
      const raw = resolved.event;
      if (raw === undefined) continue;
      const position = toLogPosition(raw.position);
      if (!isAfter(position, checkpoint ?? this.position)) continue;
      checkpoint = position;
      const recorded = toRecordedEvent(raw);
      if (recorded !== undefined && matchesFilter(recorded, this.options.filter)) events.push(recorded);
    }
    return { events, checkpoint };
  }

  private async deliver(events: readonly RecordedEvent[], checkpoint: LogPosition): Promise<void> {
    try {
      await this.options.onEvents(events, checkpoint);
      this.position = checkpoint;
    } catch (error) {
      this.currentState = 'failed';
      await this.closeLive();
      this.options.onEnded();
      this.options.onError?.(error);
      this.releaseWaiters();
      throw new HandlerFailure();
    }
  }

  private async closeLive(): Promise<void> {
    const live = this.live;
    this.live = undefined;
    if (live !== undefined) await live.unsubscribe().catch(() => undefined);
  }

  private markCaughtUp(): void {
    if (this.currentState === 'catching_up') this.currentState = 'live';
    this.hasCaughtUp = true;
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    const waiters = this.caughtUpWaiters;
    this.caughtUpWaiters = [];
    waiters.forEach((resolve) => {
      resolve();
    });
  }
}

/** The handler failed: the subscription has already stopped in state `failed`. */
class HandlerFailure extends Error {}
