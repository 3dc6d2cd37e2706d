/**
 * The projection runtime: one runner per projector (singleton per database through an advisory
 * lock), the read models' serving schemas for the query routes, status for ops, and the operator
 * actions (rebuild, retry or skip a parked event). See docs/projections.md.
 *
 * @example
 *   const projections = startProjections({ client, store, projectors: allProjectors, log });
 *   await projections.caughtUp();           // everything committed so far is in the read models
 *   await projections.status();             // [{ name: 'journal', state: 'running', events_behind: 0, … }]
 */
import type { EventStore, LogPosition } from '../../../domain/eventStore/index.js';
import { formatPosition, LOG_START } from '../../../domain/eventStore/index.js';
import type { Projector } from '../../../projections/runtime/projector.js';
import { ReadModelUnavailableError, type ReadModels } from '../../../schemas/readModels/readModels.js';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import { createReadKysely } from '../../adapters/db/kyselyDialect.js';
import { SharedLockSession } from '../../adapters/db/sharedLockSession.js';
import { CatchUpPacer } from './catchUpPacer.js';
import type { ParkedEvent } from './projectionDb.js';
import { backlogAfter, listParked, liveGenerations, servingSchemaOf } from './projectionDb.js';
import type { WorkerState } from './generationWorker.js';
import type { GenerationWorker } from './generationWorker.js';
import { PROJECTION_RUNNER_DEFAULTS, ProjectionNotActiveError, ProjectionRunner, type ProjectionRunnerOptions, type RunnerLog } from './projectionRunner.js';

export type ProjectionState = 'starting' | 'standby' | 'catching_up' | 'running' | 'rebuilding' | 'stalled' | 'parked' | 'restarting' | 'failed' | 'stopped';

export type GenerationProgress = Readonly<{
  generation: number;
  version: number;
  state: WorkerState | 'frozen' | 'not_running_here';
  checkpoint: string;
  events_behind: number;
  seconds_behind: number;
  events_per_second: number;
  events_applied: number;
}>;

export type ProjectionStatus = Readonly<{
  name: string;
  /** The projector's version in this build. */
  version: number;
  state: ProjectionState;
  /** The generation answering queries; null before the first start. */
  serving: GenerationProgress | null;
  /** A rebuild under way, or null. */
  rebuild: GenerationProgress | null;
  /** Recording-to-commit time of events applied while live, over the latest samples (this process). */
  lag_ms: Readonly<{ p50: number; p99: number; samples: number }> | null;
  last_error: Readonly<{ message: string; at: string }> | null;
  /** Events parked and not yet retried or skipped. */
  parked_events: readonly ParkedEventView[];
}>;

export type ParkedEventView = Readonly<{
  generation: number;
  event_id: string;
  position: string;
  stream_name: string;
  event_type: string;
  error: string;
  attempts: number;
  parked_at: string;
}>;

const parkedView = (event: ParkedEvent): ParkedEventView => ({
  generation: event.generation,
  event_id: event.eventId,
  position: event.position,
  stream_name: event.streamName,
  event_type: event.eventType,
  error: event.error,
  attempts: event.attempts,
  parked_at: event.parkedAt,
});

export type ProjectionRuntime = Readonly<{
  readModels: ReadModels;
  names: readonly string[];
  status(): Promise<ProjectionStatus[]>;
  /** Resolves when every projection has applied every event committed before the call; rejects after `timeoutMs`. */
  caughtUp(timeoutMs?: number): Promise<void>;
  rebuild(name: string): Promise<Readonly<{ generation: number }>>;
  retryParked(name: string): boolean;
  skipParked(name: string, eventId: string): boolean;
  stop(): Promise<void>;
}>;

export type ProjectionRuntimeSettings = Readonly<{
  client: SqlClient;
  store: EventStore;
  projectors: readonly Projector[];
  log: RunnerLog;
  options?: Partial<ProjectionRunnerOptions>;
  /** How long a query may use a cached serving schema (a switch in this process clears it at once). */
  servingSchemaCacheMs?: number;
  /**
   * The log's head and a projection's backlog, for a store whose log is not in this database
   * (EventStoreDB: through the port). Default: SQL over `ledger_events`.
   */
  logQueries?: LogQueries;
}>;

export type LogQueries = Readonly<{
  head: () => Promise<LogPosition>;
  backlogAfter: (from: LogPosition, streamPrefixes: readonly string[]) => Promise<{ events: number; oldestRecordedAt: string | null }>;
}>;

/** How many pages a catching-up projection may read ahead of a slower peer: well inside the store's page cache (32 pages). */
const PACER_LEAD_PAGES = 8;
/** A peer further behind than this is not waited for: the pages it needs are no longer cached. */
const PACER_REACH_PAGES = 24;
/** A peer that has not read for this long (a slow database, a long batch) no longer holds the others back. */
const PACER_STALE_MS = 5_000;

/** Thrown for an unknown projection name (404 in the ops routes). */
export class UnknownProjectionError extends Error {
  override readonly name = 'UnknownProjectionError';
}

export { ProjectionNotActiveError };

async function committedHead(client: SqlClient): Promise<LogPosition> {
  const [row] = await client.query<{ tx: string; gp: string }>(
    'SELECT transaction_id::text AS tx, global_position::text AS gp FROM ledger_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1',
  );
  return row === undefined ? LOG_START : { commit: BigInt(row.tx), prepare: BigInt(row.gp) };
}

export function startProjections(settings: ProjectionRuntimeSettings): ProjectionRuntime {
  const { client, store, projectors, log } = settings;
  const logQueries: LogQueries = settings.logQueries ?? { head: () => committedHead(client), backlogAfter: (from, prefixes) => backlogAfter(client, from, prefixes) };
  const options = { ...PROJECTION_RUNNER_DEFAULTS, ...settings.options };
  const cacheMs = settings.servingSchemaCacheMs ?? 1000;
  const schemaCache = new Map<string, { schema: string; at: number }>();
  const runners = new Map<string, ProjectionRunner>();
  const locks = new SharedLockSession(client);
  // Projections reading the same part of the log stay within a few pages of each other while catching up, so each page is read once.
  const pacer = new CatchUpPacer({ leadPagesMax: PACER_LEAD_PAGES, reachPages: PACER_REACH_PAGES, staleMs: PACER_STALE_MS });
  for (const projector of projectors) {
    if (runners.has(projector.name)) throw new Error(`two projectors are named ${projector.name}`);
    runners.set(projector.name, new ProjectionRunner(client, locks, store, projector, options, log, (name) => schemaCache.delete(name), pacer));
  }
  const runnerOf = (name: string): ProjectionRunner => {
    const runner = runners.get(name);
    if (runner === undefined) throw new UnknownProjectionError(`no projection named ${name}`);
    return runner;
  };

  const readModels = servingReadModels(client, cacheMs, schemaCache);
  const statusOf = (runner: ProjectionRunner): Promise<ProjectionStatus> => projectionStatusOf({ client, logQueries }, runner);

  return {
    readModels,
    names: [...runners.keys()],
    status: () => Promise.all([...runners.values()].map(statusOf)),
    async caughtUp(timeoutMs = 30_000) {
      const head = await logQueries.head();
      const deadline = Date.now() + timeoutMs;
      for (const runner of runners.values()) {
        while (!(await runner.hasReached(head))) {
          if (Date.now() > deadline) throw new Error(`projection ${runner.projector.name} did not reach ${formatPosition(head)} within ${timeoutMs} ms (state ${runner.state})`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
    },
    async rebuild(name) {
      const generation = await runnerOf(name).rebuild();
      return { generation: generation.generation };
    },
    retryParked: (name) => [runnerOf(name).serving.worker, runnerOf(name).building].some((worker) => worker?.retryParked() === true),
    skipParked: (name, eventId) => [runnerOf(name).serving.worker, runnerOf(name).building].some((worker) => worker?.skipParked(eventId) === true),
    async stop() {
      await Promise.all([...runners.values()].map((runner) => runner.stop()));
      await locks.close();
    },
  };
}

type StatusSources = Readonly<{ client: SqlClient; logQueries: LogQueries }>;

/** The read models' serving schemas, looked up (and cached for `cacheMs`) per projection. */
function servingReadModels(client: SqlClient, cacheMs: number, schemaCache: Map<string, { schema: string; at: number }>): ReadModels {
  return {
    db: createReadKysely(client),
    async servingSchema(projection) {
      const cached = schemaCache.get(projection);
      if (cached !== undefined && Date.now() - cached.at < cacheMs) return cached.schema;
      const schema = await servingSchemaOf(client, projection);
      if (schema === undefined) throw new ReadModelUnavailableError(projection);
      schemaCache.set(projection, { schema, at: Date.now() });
      return schema;
    },
  };
}

async function progress(
  deps: StatusSources,
  runner: ProjectionRunner,
  worker: GenerationWorker | undefined,
  stored: { generation: number; version: number; position: LogPosition; eventsApplied: number } | undefined,
): Promise<GenerationProgress | null> {
  if (stored === undefined) return null;
  const checkpoint = worker?.checkpoint ?? stored.position;
  const prefixes = runner.projector.filter.streamPrefixes ?? [];
  const backlog = await deps.logQueries.backlogAfter(checkpoint, prefixes);
  const secondsBehind = backlog.oldestRecordedAt === null ? 0 : Math.max(0, (Date.now() - Date.parse(backlog.oldestRecordedAt)) / 1000);
  let state: GenerationProgress['state'];
  if (worker !== undefined) state = worker.state;
  else if (runner.state === 'active') state = 'frozen';
  else state = 'not_running_here';
  return {
    generation: stored.generation,
    version: stored.version,
    state,
    checkpoint: formatPosition(checkpoint),
    events_behind: backlog.events,
    seconds_behind: Math.round(secondsBehind * 1000) / 1000,
    events_per_second: worker?.meter.perSecond() ?? 0,
    events_applied: stored.eventsApplied,
  };
}

async function projectionStatusOf(deps: StatusSources, runner: ProjectionRunner): Promise<ProjectionStatus> {
  const generations = await liveGenerations(deps.client, runner.projector.name);
  const servingRow = generations.find((generation) => generation.state === 'serving');
  const buildingRow = generations.find((generation) => generation.state === 'building');
  const servingWorker = runner.serving.worker;
  const buildingWorker = runner.building;
  const [serving, rebuild, parked] = await Promise.all([
    progress(deps, runner, servingWorker, servingRow),
    progress(deps, runner, buildingWorker, buildingRow),
    listParked(deps.client, runner.projector.name),
  ]);
  return {
    name: runner.projector.name,
    version: runner.projector.version,
    state: overallState(runner, servingWorker, buildingWorker),
    serving,
    rebuild,
    lag_ms: servingWorker?.lag.quantiles() ?? null,
    last_error: buildingWorker?.lastError ?? servingWorker?.lastError ?? null,
    parked_events: parked.filter((event) => event.resolution === null).map(parkedView),
  };
}

function overallState(runner: ProjectionRunner, serving: GenerationWorker | undefined, building: GenerationWorker | undefined): ProjectionState {
  if (runner.state !== 'active') return runner.state === 'restarting' ? 'restarting' : runner.state;
  const workers = [serving, building];
  if (workers.some((worker) => worker?.state === 'parked')) return 'parked';
  if (workers.some((worker) => worker?.state === 'failed')) return 'failed';
  if (workers.some((worker) => worker?.state === 'stalled')) return 'stalled';
  if (building !== undefined) return 'rebuilding';
  if (serving === undefined) return 'starting';
  return serving.state === 'catching_up' ? 'catching_up' : 'running';
}
