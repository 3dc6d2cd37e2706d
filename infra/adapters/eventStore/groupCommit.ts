/**
 * Group commit: concurrent callers' requests are queued and sent in batches, so many appends
 * share one database transaction (one WAL flush). At most `inFlightMax` batches run at once;
 * while they run, new requests queue up and form the next batches, so batches grow with load.
 * Sending waits one turn of the event loop (setImmediate) so callers released together are
 * batched together, and the queue is split evenly over the free slots, so no slot idles while
 * another carries everything.
 *
 * `run` returns one settled outcome per request, so one request's refusal (a wrong expected
 * revision) never fails the others. If `run` itself throws (the whole transaction failed), a
 * batch of several is retried one request at a time, so only the offending request fails.
 */
export type BatchOutcome<Result> = Readonly<{ ok: true; value: Result }> | Readonly<{ ok: false; error: Error }>;

export type GroupCommitOptions<Request, Result> = Readonly<{
  inFlightMax: number;
  batchRequestsMax: number;
  /** Weight limit of one batch (e.g. events); a single heavier request still goes alone. */
  batchWeightMax: number;
  weigh: (request: Request) => number;
  run: (requests: readonly Request[]) => Promise<readonly BatchOutcome<Result>[]>;
}>;

type Pending<Request, Result> = {
  request: Request;
  resolve: (value: Result) => void;
  reject: (error: Error) => void;
};

export class GroupCommitter<Request, Result> {
  private readonly queue: Pending<Request, Result>[] = [];
  private inFlight = 0;
  private pumpScheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: GroupCommitOptions<Request, Result>) {}

  submit(request: Request): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.schedulePump();
    });
  }

  /** Resolves when nothing is queued or in flight (for graceful shutdown). */
  async drained(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.inFlightMax && this.queue.length > 0) {
      const share = Math.ceil(this.queue.length / (this.options.inFlightMax - this.inFlight));
      const batch = this.takeBatch(Math.min(share, this.options.batchRequestsMax));
      this.inFlight += 1;
      void this.send(batch).finally(() => {
        this.inFlight -= 1;
        this.schedulePump();
        if (this.queue.length === 0 && this.inFlight === 0) this.notifyIdle();
      });
    }
  }

  private takeBatch(requestsMax: number): Pending<Request, Result>[] {
    const batch: Pending<Request, Result>[] = [];
    let weight = 0;
    while (this.queue.length > 0 && batch.length < requestsMax) {
      const next = this.queue[0];
      if (next === undefined) break;
      const nextWeight = this.options.weigh(next.request);
      if (batch.length > 0 && weight + nextWeight > this.options.batchWeightMax) break;
      batch.push(next);
      weight += nextWeight;
      this.queue.shift();
    }
    return batch;
  }

  private async send(batch: readonly Pending<Request, Result>[]): Promise<void> {
    try {
      const outcomes = await this.options.run(batch.map((pending) => pending.request));
      batch.forEach((pending, index) => {
        const outcome = outcomes[index];
        if (outcome === undefined) pending.reject(new Error('group commit: no outcome for a request'));
        else if (outcome.ok) pending.resolve(outcome.value);
        else pending.reject(outcome.error);
      });
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(toError(error));
        return;
      }
      // Isolate the failure: each request alone and one after another (so they cannot collide
      // with each other again), and only the offender fails.
      for (const pending of batch) await this.send([pending]);
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => {
      resolve();
    });
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
