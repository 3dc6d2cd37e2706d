import type { EventFilter, LogPosition, ReadAllOptions, ReadAllResult, SubscribeOptions, Subscription, SubscriptionState } from '../../../domain/eventStore/index.js';
import { comparePositions } from '../../../domain/eventStore/index.js';
import { WakeSignal } from './wakeSignal.js';

export type CatchUpSubscriptionOptions = SubscribeOptions &
  Readonly<{
    readAll: (options: ReadAllOptions) => Promise<ReadAllResult>;
    /** Fallback poll when no notification arrives (another process, a lost LISTEN connection). */
    pollIntervalMs: number;
    /** Longest wait between retries after a failed read (the database restarting). */
    retryDelayMaxMs: number;
    onReadError?: (error: unknown) => void;
    /** Called once when the subscription ends, stopped or failed (the store forgets it). */
    onEnded?: () => void;
  }>;

/**
 * A subscription to the whole log: it reads from its checkpoint in batches and hands each batch
 * to the handler; when a read comes back short it is caught up and waits for a wake-up
 * (notification or poll) before reading again. Catching up and being live are the same read
 * from the same checkpoint, so there is no gap at the switch.
 *
 * Read errors are retried with backoff (the store may restart); a handler error stops the
 * subscription in state `failed` and is passed to `onError`.
 */
export class CatchUpSubscription implements Subscription {
  private currentState: SubscriptionState = 'catching_up';
  private position: LogPosition;
  private readonly wake = new WakeSignal();
  private readonly loop: Promise<void>;
  private caughtUpWaiters: (() => void)[] = [];
  private hasCaughtUp = false;

  constructor(private readonly options: CatchUpSubscriptionOptions) {
    this.position = options.from;
    this.loop = this.run();
  }

  get state(): SubscriptionState {
    return this.currentState;
  }

  get checkpoint(): LogPosition {
    return this.position;
  }

  /** Something may have been appended: read now instead of at the next poll. */
  notify(): void {
    this.wake.notify();
  }

  caughtUp(): Promise<void> {
    if (this.hasCaughtUp) return Promise.resolve();
    return new Promise((resolve) => this.caughtUpWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    if (this.currentState !== 'failed') this.currentState = 'stopped';
    this.wake.notify();
    await this.loop;
    this.releaseCaughtUpWaiters();
    this.options.onEnded?.();
  }

  private get running(): boolean {
    return this.currentState === 'catching_up' || this.currentState === 'live';
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let result: ReadAllResult;
      try {
        result = await this.options.readAll(this.readOptions());
        failures = 0;
      } catch (error) {
        failures += 1;
        this.options.onReadError?.(error);
        await this.wake.wait(Math.min(this.options.retryDelayMaxMs, 50 * 2 ** Math.min(failures, 10)));
        continue;
      }
      if (!this.running) return;
      if (result.events.length > 0) {
        if (!(await this.deliver(result))) return;
        continue;
      }
      if (comparePositions(result.checkpoint, this.position) > 0) {
        // A filtered read moved past events that did not match.
        this.position = result.checkpoint;
        continue;
      }
      this.markCaughtUp();
      await this.wake.wait(this.options.pollIntervalMs);
    }
  }

  private readOptions(): ReadAllOptions {
    const filter: EventFilter | undefined = this.options.filter;
    const base = { from: this.position, maxCount: this.options.batchSizeMax };
    return filter === undefined ? base : { ...base, filter };
  }

  private async deliver(result: ReadAllResult): Promise<boolean> {
    try {
      await this.options.onEvents(result.events, result.checkpoint);
      this.position = result.checkpoint;
      return true;
    } catch (error) {
      this.currentState = 'failed';
      this.options.onEnded?.();
      this.options.onError?.(error);
      this.releaseCaughtUpWaiters();
      return false;
    }
  }

  private markCaughtUp(): void {
    if (this.currentState === 'catching_up') this.currentState = 'live';
    this.hasCaughtUp = true;
    this.releaseCaughtUpWaiters();
  }

  private releaseCaughtUpWaiters(): void {
    const waiters = this.caughtUpWaiters;
    this.caughtUpWaiters = [];
    waiters.forEach((resolve) => {
      resolve();
    });
  }
}
