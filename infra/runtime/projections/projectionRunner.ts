/**
 * Runs one projection in this process while it holds the projection's singleton lock (others stand
 * by): the serving generation's worker, and a building generation's worker when a rebuild is under
 * way (a new `version` in code, or an operator's request). The building generation catches up from
 * the start of the log into its own schema while the serving one keeps answering queries; once it
 * has caught up, one transaction makes it serving and retires the old one, whose schema is dropped
 * a little later (after in-flight queries are done).
 */
import type { EventStore, LogPosition } from '../../../domain/eventStore/index.js';
import type { Projector } from '../../../projections/runtime/projector.js';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import type { SharedLockSession } from '../../adapters/db/sharedLockSession.js';
import { backoffDelay, sleep } from '../../adapters/kafka/backoff.js';
import type { Generation } from './projectionDb.js';
import { createGeneration, dropRetiredSchemas, liveGenerations, switchOver } from './projectionDb.js';
import type { CatchUpPacer } from './catchUpPacer.js';
import { GenerationWorker } from './generationWorker.js';

export type ProjectionRunnerOptions = Readonly<{
  batchSizeMax: number;
  attemptsMax: number;
  lockPollMs: number;
  /** How long a retired generation's schema is kept after the switch (queries in flight may still read it). */
  retiredSchemaDropDelayMs: number;
}>;

export const PROJECTION_RUNNER_DEFAULTS: ProjectionRunnerOptions = { batchSizeMax: 4000, attemptsMax: 3, lockPollMs: 1000, retiredSchemaDropDelayMs: 10_000 };

export type RunnerState = 'starting' | 'standby' | 'active' | 'restarting' | 'stopped';

export type RunnerLog = (level: 'info' | 'warn' | 'error', message: string, details: Record<string, unknown>) => void;

/** The runner is not the active instance of its projection here (a standby, or stopped). */
export class ProjectionNotActiveError extends Error {
  override readonly name = 'ProjectionNotActiveError';
}

/** The session holding the projection's lock died; the runner stops its workers and takes the lock again. */
export class LockLostError extends Error {
  override readonly name = 'LockLostError';
}

export class ProjectionRunner {
  private runnerState: RunnerState = 'starting';
  private servingWorker: GenerationWorker | undefined;
  private servingGeneration: Generation | undefined;
  private buildingWorker: GenerationWorker | undefined;
  private readonly abort = new AbortController();
  /** Ends the active period: with an error when a worker failed (the run loop backs off), without one on stop. */
  private release: ((error?: unknown) => void) | undefined;
  private readonly loop: Promise<void>;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly client: SqlClient,
    private readonly locks: SharedLockSession,
    private readonly store: EventStore,
    readonly projector: Projector,
    private readonly options: ProjectionRunnerOptions,
    private readonly log: RunnerLog,
    private readonly onSwitch: (name: string) => void,
    private readonly pacer?: CatchUpPacer,
  ) {
    this.loop = this.run();
  }

  get state(): RunnerState {
    return this.runnerState;
  }

  get serving(): Readonly<{ generation: Generation | undefined; worker: GenerationWorker | undefined }> {
    return { generation: this.servingGeneration, worker: this.servingWorker };
  }

  get building(): GenerationWorker | undefined {
    return this.buildingWorker;
  }

  /** True when the serving generation has applied everything up to `position` (false while standing by or frozen). */
  async hasReached(position: LogPosition): Promise<boolean> {
    const worker = this.servingWorker;
    return worker !== undefined && this.buildingWorker === undefined && (await worker.hasReached(position));
  }

  /** Starts a rebuild into a new generation (or returns the one under way). */
  async rebuild(): Promise<Generation> {
    if (this.runnerState !== 'active') throw new ProjectionNotActiveError(`projection ${this.projector.name} is not active in this process`);
    const current = this.buildingWorker;
    if (current !== undefined) return current.generation;
    const generation = await this.client.withSession((session) => createGeneration(session, this.projector, 'building'));
    this.startBuilding(generation);
    return generation;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.release?.();
    await this.loop;
    for (const timer of this.timers) clearTimeout(timer);
    this.runnerState = 'stopped';
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      try {
        const key = `mpac.projection:${this.projector.name}`;
        const lockLost = await this.acquire(key);
        if (lockLost === undefined) break;
        try {
          await this.activate();
          failures = 0;
          const fatal = await new Promise<unknown>((resolve) => {
            this.release = resolve;
            if (this.abort.signal.aborted) resolve(undefined);
            // The lock session died: another instance may take the lock now, so stop at once.
            const onLost = (): void => {
              resolve(new LockLostError(`projection ${this.projector.name} lost its lock session`));
            };
            if (lockLost.aborted) onLost();
            else lockLost.addEventListener('abort', onLost, { once: true });
          });
          await this.deactivate();
          if (fatal !== undefined) throw fatal instanceof Error ? fatal : new Error('a projection worker failed', { cause: fatal });
        } finally {
          await this.locks.unlock(key);
        }
      } catch (error) {
        await this.deactivate();
        if (this.abort.signal.aborted) break;
        failures += 1;
        this.runnerState = 'restarting';
        const delayMs = backoffDelay(failures, { initialMs: 200, maxMs: 5000 });
        this.log('error', 'projection stopped by an error; restarting', {
          projection: this.projector.name,
          err: error instanceof Error ? error.message : String(error),
          retryInMs: delayMs,
        });
        await sleep(delayMs, this.abort.signal);
      }
    }
  }

  /** Waits for the projection's singleton lock (standing by meanwhile); its lost signal, or undefined when stopped first. */
  private async acquire(key: string): Promise<AbortSignal | undefined> {
    for (;;) {
      if (this.abort.signal.aborted) return undefined;
      const lost = await this.locks.tryLock(key);
      if (lost !== undefined) return lost;
      this.runnerState = 'standby';
      await sleep(this.options.lockPollMs, this.abort.signal);
    }
  }

  private async activate(): Promise<void> {
    const { projector } = this;
    const generations = await this.client.withSession((session) => liveGenerations(session, projector.name));
    const serving =
      generations.find((generation) => generation.state === 'serving') ?? (await this.client.withSession((session) => createGeneration(session, projector, 'serving')));
    await this.client.withSession((session) => dropRetiredSchemas(session, projector.name));
    this.servingGeneration = serving;
    // A serving generation built by older code is left frozen (still answering queries) until its replacement catches up.
    if (serving.version === projector.version) {
      this.servingWorker = this.newWorker(serving);
      this.servingWorker.start();
    }
    const building = generations.find((generation) => generation.state === 'building');
    if (building !== undefined && building.version === projector.version) this.startBuilding(building);
    else if (serving.version !== projector.version || building !== undefined) {
      this.startBuilding(await this.client.withSession((session) => createGeneration(session, projector, 'building')));
    }
    this.runnerState = 'active';
    this.log('info', 'projection active', {
      projection: projector.name,
      generation: serving.generation,
      version: serving.version,
      rebuilding: this.buildingWorker?.generation.generation ?? null,
    });
  }

  private async deactivate(): Promise<void> {
    const workers = [this.servingWorker, this.buildingWorker];
    this.servingWorker = undefined;
    this.buildingWorker = undefined;
    this.release = undefined;
    await Promise.all(workers.map((worker) => worker?.stop() ?? Promise.resolve()));
  }

  private newWorker(generation: Generation): GenerationWorker {
    return new GenerationWorker({
      client: this.client,
      store: this.store,
      projector: this.projector,
      generation,
      batchSizeMax: this.options.batchSizeMax,
      attemptsMax: this.options.attemptsMax,
      retryDelayMs: (attempt) => backoffDelay(attempt, { initialMs: 100, maxMs: 5000 }),
      ...(this.pacer === undefined ? {} : { pacer: this.pacer }),
      onFatal: (error) => {
        this.log('error', 'projection worker failed', {
          projection: this.projector.name,
          generation: generation.generation,
          err: error instanceof Error ? error.message : String(error),
        });
        this.release?.(error);
      },
      onLog: this.log,
    });
  }

  private startBuilding(generation: Generation): void {
    const worker = this.newWorker(generation);
    this.buildingWorker = worker;
    worker.start();
    void worker.caughtUp().then(() => this.switchTo(worker));
  }

  private async switchTo(worker: GenerationWorker): Promise<void> {
    if (this.buildingWorker !== worker || worker.state === 'failed' || worker.state === 'stopped') return;
    const { name } = this.projector;
    try {
      await this.client.withSession((session) => switchOver(session, name, worker.generation.generation));
    } catch (error) {
      this.log('error', 'projection switch-over failed', { projection: name, err: error instanceof Error ? error.message : String(error) });
      this.release?.(error);
      return;
    }
    const previous = this.servingWorker;
    const previousGeneration = this.servingGeneration?.generation;
    this.servingWorker = worker;
    this.servingGeneration = { ...worker.generation, state: 'serving' };
    this.buildingWorker = undefined;
    this.onSwitch(name);
    this.log('info', 'projection switched to its rebuilt generation', { projection: name, generation: worker.generation.generation, retired: previousGeneration ?? null });
    await previous?.stop();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.client.withSession((session) => dropRetiredSchemas(session, name)).catch(() => undefined);
    }, this.options.retiredSchemaDropDelayMs);
    timer.unref();
    this.timers.add(timer);
  }
}
