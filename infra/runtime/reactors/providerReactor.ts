/**
 * The provider reactor: one active instance per database (a session advisory lock, like the relay's;
 * standbys wait), which performs the open tasks of the provider_tasks read model whose time has come,
 * several at once, and keeps its own record of each (provider_task_runs). What a task does is given
 * by the composition root (`perform`, command/providers): this loop only schedules, bounds
 * concurrency, records outcomes and reports its status (GET /v1/ops/reactors, /metrics).
 *
 * A task is picked again only after its run is recorded; a task whose command was appended waits
 * for the projection to close it (re-checked after `recordedRecheckMs`); a failure of `perform`
 * itself (the database, a bug) is recorded and retried with back-off, never lost.
 */
import type { ProviderTaskRow } from '../../../schemas/readModels/providerTasks.js';
import type { ReadModels } from '../../../schemas/readModels/readModels.js';
import { PROVIDER_TASKS_PROJECTION } from '../../../schemas/readModels/providerTasks.js';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import { sleep } from '../../adapters/kafka/backoff.js';
import { countTasks, dueTasks, markDispatched, nudgeAttempt, recordRun, type DueTask, type TaskCounts } from './reactorDb.js';
import { withReactorLock } from './reactorLock.js';

export type ReactorTaskResult = Readonly<{ kind: 'recorded' | 'finished' | 'retry'; outcome: string; afterMs?: number }>;

export type ReactorTaskRun = Readonly<{ attempts: number; dispatchedAt: string | null; markDispatched: () => Promise<void> }>;

export type ProviderReactorSettings = Readonly<{
  client: SqlClient;
  readModels: ReadModels;
  perform: (task: ProviderTaskRow, run: ReactorTaskRun) => Promise<ReactorTaskResult>;
  log: (level: 'info' | 'warn' | 'error', message: string, details: Record<string, unknown>) => void;
  /** Tasks performed at once (default 64: they wait on providers, not on this CPU). */
  concurrency?: number;
  /** How often due tasks are looked for (default 100 ms; a webhook's nudge in this process wakes it at once). */
  tickMs?: number;
  /** How long a task whose command was appended waits for the projection to close it (default 5 s). */
  recordedRecheckMs?: number;
  /** How often a standby tries the lock (default 1000 ms). */
  lockPollMs?: number;
  /** The clock deciding which tasks are due (default the system's; the simulation controls it). */
  now?: () => Date;
  /**
   * `manual`: no loop runs; the caller performs due tasks with `step()` (the deterministic simulation).
   * `off`: this process does not run the reactor (LEDGER_ROLES without `reactor`); its status says `disabled`.
   */
  mode?: 'loop' | 'manual' | 'off';
}>;

export type ReactorState = 'disabled' | 'starting' | 'standby' | 'running' | 'waiting_for_read_model' | 'stopped';

export type ReactorStatus = Readonly<{
  name: 'provider';
  state: ReactorState;
  in_flight: number;
  tasks: TaskCounts | null;
  performed: Readonly<Record<string, number>>;
  failures: number;
  last_error: string | null;
}>;

export type ProviderReactor = Readonly<{
  status: () => Promise<ReactorStatus>;
  /** A webhook's hint for an attempt: its open tasks become due at once (in every process, via the database). */
  nudge: (attemptId: string) => Promise<void>;
  /** Performs the tasks due now (at most `concurrency`, at once) and answers how many ran (manual mode; no lock is taken). */
  step: () => Promise<number>;
  stop: () => Promise<void>;
}>;

const FAILURE_BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

type RunStats = { performed: Record<string, number>; failures: number; lastError: string | null };

async function statusOf(settings: ProviderReactorSettings, stats: RunStats, now: () => Date): Promise<Omit<ReactorStatus, 'state' | 'in_flight'>> {
  const tasks = await settings.readModels
    .servingSchema(PROVIDER_TASKS_PROJECTION)
    .then((schema) => countTasks(settings.client, schema, now()))
    .catch(() => null);
  return { name: 'provider', tasks, performed: { ...stats.performed }, failures: stats.failures, last_error: stats.lastError };
}

/** Performs one due task and records its run; a failure of `perform` itself is recorded and retried with back-off. */
async function performDue(settings: ProviderReactorSettings, stats: RunStats, now: () => Date, due: DueTask): Promise<void> {
  const { task } = due;
  const run: ReactorTaskRun = { attempts: due.attempts, dispatchedAt: due.dispatchedAt, markDispatched: () => markDispatched(settings.client, task.task_id) };
  try {
    const result = await settings.perform(task, run);
    const key = `${task.kind}.${result.kind}`;
    stats.performed[key] = (stats.performed[key] ?? 0) + 1;
    const nextDueInMs = result.kind === 'retry' ? (result.afterMs ?? 1_000) : result.kind === 'recorded' ? (settings.recordedRecheckMs ?? 5_000) : null;
    await recordRun(settings.client, {
      taskId: task.task_id,
      pickedAt: due.pickedAt,
      now: now(),
      outcome: result.outcome,
      error: null,
      nextDueInMs,
      finished: result.kind === 'finished',
    });
  } catch (error) {
    stats.failures += 1;
    stats.lastError = `${task.task_id}: ${error instanceof Error ? error.message : String(error)}`;
    settings.log('warn', 'provider task failed; it will be retried', { task_id: task.task_id, kind: task.kind, err: stats.lastError });
    const backoff = FAILURE_BACKOFF_MS[Math.min(due.attempts, FAILURE_BACKOFF_MS.length - 1)] ?? 30_000;
    await recordRun(settings.client, {
      taskId: task.task_id,
      pickedAt: due.pickedAt,
      now: now(),
      outcome: 'error',
      error: stats.lastError,
      nextDueInMs: backoff,
      finished: false,
    }).catch(() => undefined);
  }
}

export function startProviderReactor(settings: ProviderReactorSettings): ProviderReactor {
  const concurrency = settings.concurrency ?? 64;
  const abort = new AbortController();
  const inFlight = new Map<string, Promise<void>>();
  const stats: RunStats = { performed: {}, failures: 0, lastError: null };
  let state: ReactorState = settings.mode === 'off' ? 'disabled' : 'starting';
  let wake: (() => void) | undefined;
  const now = settings.now ?? (() => new Date());

  const runTask = (due: DueTask): Promise<void> => performDue(settings, stats, now, due);

  const pump = async (lockLost: AbortSignal): Promise<void> => {
    const signal = AbortSignal.any([abort.signal, lockLost]);
    while (!signal.aborted) {
      const free = concurrency - inFlight.size;
      const picked = free > 0 ? await pickDue(free) : [];
      for (const due of picked) {
        const running = runTask(due).finally(() => {
          inFlight.delete(due.task.task_id);
          wake?.();
        });
        inFlight.set(due.task.task_id, running);
      }
      const tick = new AbortController(); // one tick, or less when a task ends or a nudge comes
      wake = tick.abort.bind(tick);
      await sleep(settings.tickMs ?? 100, AbortSignal.any([signal, tick.signal]));
      wake = undefined;
    }
    await Promise.allSettled(inFlight.values());
  };

  const pickDue = async (limit: number): Promise<DueTask[]> => {
    const schema = await settings.readModels.servingSchema(PROVIDER_TASKS_PROJECTION).catch(() => null);
    state = schema === null ? 'waiting_for_read_model' : 'running';
    return schema === null ? [] : dueTasks(settings.client, schema, limit, [...inFlight.keys()], now());
  };

  const loop = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        await withReactorLock(
          settings.client,
          { key: 'mpac.reactor:provider', signal: abort.signal, pollMs: settings.lockPollMs ?? 1_000, onWaiting: () => (state = 'standby') },
          pump,
        );
      } catch (error) {
        stats.failures += 1;
        stats.lastError = error instanceof Error ? error.message : String(error);
        settings.log('warn', 'provider reactor interrupted; restarting', { err: stats.lastError });
        await sleep(1_000, abort.signal);
      }
    }
    state = 'stopped';
  };
  const done = settings.mode === 'manual' || settings.mode === 'off' ? Promise.resolve() : loop();

  return {
    status: async () => ({ ...(await statusOf(settings, stats, now)), state, in_flight: inFlight.size }),
    nudge: async (attemptId) => {
      await nudgeAttempt(settings.client, attemptId);
      wake?.();
    },
    step: async () => {
      const picked = await pickDue(concurrency);
      await Promise.all(picked.map(runTask));
      return picked.length;
    },
    stop: async () => {
      abort.abort();
      wake?.();
      await done;
    },
  };
}
