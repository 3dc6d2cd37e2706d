/**
 * Prometheus metrics of one ledger instance (docs/ops.md lists each one): a prom-client registry per
 * ledger (tests run several ledgers in one process), counters fed by the HTTP hooks and the event
 * store, and gauges collected at scrape time from the runtimes' own status (projections, relay,
 * the log horizon, the pool), so no counter is threaded through the subscribers.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What a scrape needs from one projection's status (a subset of the runtime's ProjectionStatus). */
export type ProjectionSample = Readonly<{
  name: string;
  state: string;
  serving: Readonly<{ events_behind: number; seconds_behind: number; events_per_second: number; events_applied: number }> | null;
  rebuild: Readonly<{ events_behind: number }> | null;
  lag_ms: Readonly<{ p50: number; p99: number }> | null;
  parked_events: readonly unknown[];
}>;

export type RelaySample = Readonly<{
  name: string;
  state: string;
  backlogEvents: number;
  secondsBehind: number;
  eventsPerSecond: number;
  messagesPublished: number;
  publishErrors: number;
}>;

export type PoolSample = Readonly<{ total: number; idle: number; waiting: number }>;

/**
 * What the database metrics read at scrape time (the SqlClient's `poolStats` and `queryStats`,
 * infra/adapters/db/sqlClient.ts; both absent on the embedded PGlite).
 */
export type DatabaseSource = Readonly<{ poolStats?: () => DatabasePoolSample; queryStats?: () => QuerySample }>;

export type DatabasePoolSample = PoolSample & Readonly<{ sizeMax: number; inUseMaxFraction: number }>;

export type QuerySample = Readonly<{ queries: number; totalMs: number }>;

export type HorizonSample = Readonly<{ hiddenEvents: number; oldestOpenTransactionSeconds: number }>;

export type RuntimeSample = Readonly<{
  projections: readonly ProjectionSample[];
  relays: readonly RelaySample[];
  pool: PoolSample | undefined;
  horizon: HorizonSample | undefined;
}>;

/** The outcome of one group-commit batch, as the event store reports it. */
export type AppendBatchSample = Readonly<{ requests: number; eventsAppended: number; appendsCommitted: number; conflicts: number; replays: number }>;

export const PROJECTION_STATES = ['starting', 'standby', 'catching_up', 'running', 'rebuilding', 'stalled', 'parked', 'restarting', 'failed', 'stopped'] as const;
export const RELAY_STATES = ['disabled', 'standby', 'starting', 'running', 'waiting_for_broker', 'failed', 'stopped'] as const;

export class LedgerMetrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly commands: Counter<'command' | 'outcome'>;
  private readonly idempotency: Counter<'outcome'>;
  private readonly appends: Counter;
  private readonly eventsAppended: Counter;
  private readonly batchSize: Histogram;
  private readonly conflicts: Counter;
  private runtime: (() => Promise<RuntimeSample>) | undefined;
  private database: DatabaseSource | undefined;
  private pending: Promise<RuntimeSample | undefined> | undefined;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.commands = new Counter({
      name: 'ledger_commands_total',
      help: 'Commands (POST /v1 routes) by route template and outcome: ok, replayed or the problem code',
      labelNames: ['command', 'outcome'],
      registers,
    });
    this.idempotency = new Counter({
      name: 'ledger_idempotency_total',
      help: 'Idempotency-Key outcomes: replayed (stored response sent again), in_use (409 idempotency_key_in_use), mismatch (same key, other body)',
      labelNames: ['outcome'],
      registers,
    });
    this.appends = new Counter({ name: 'ledger_appends_total', help: 'Stream appends committed (one per append call, replays of an earlier append excluded)', registers });
    this.eventsAppended = new Counter({ name: 'ledger_events_appended_total', help: 'Events written to the log', registers });
    this.batchSize = new Histogram({
      name: 'ledger_append_batch_requests',
      help: 'Append requests per group-commit transaction',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers,
    });
    this.conflicts = new Counter({ name: 'ledger_expected_version_conflicts_total', help: 'Appends refused for a wrong expected revision (the command retries)', registers });
    this.registerRuntimeGauges(registers);
  }

  /** Scrape-time source of the runtimes' status; one call serves every gauge of a scrape. */
  observeRuntime(sample: () => Promise<RuntimeSample>): void {
    this.runtime = sample;
  }

  /**
   * Scrape-time source of the pool and statement numbers (`metrics.observeDatabase(client)`):
   * `ledger_db_pool_size_max`, `ledger_db_pool_in_use_max_ratio`, `ledger_db_queries_total`,
   * `ledger_db_query_seconds_total`; `ledger_db_pool_connections` then reads the client directly.
   */
  observeDatabase(source: DatabaseSource): void {
    if (this.database !== undefined) throw new Error('observeDatabase: a database is already observed');
    this.database = source;
    if (source.poolStats !== undefined) this.registerPoolMetrics();
    if (source.queryStats !== undefined) this.registerQueryMetrics();
  }

  observeHttp(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  observeCommand(command: string, outcome: string): void {
    this.commands.inc({ command, outcome });
  }

  observeIdempotency(outcome: 'replayed' | 'in_use' | 'mismatch'): void {
    this.idempotency.inc({ outcome });
  }

  observeAppendBatch(batch: AppendBatchSample): void {
    this.batchSize.observe(batch.requests);
    if (batch.appendsCommitted > 0) this.appends.inc(batch.appendsCommitted);
    if (batch.eventsAppended > 0) this.eventsAppended.inc(batch.eventsAppended);
    if (batch.conflicts > 0) this.conflicts.inc(batch.conflicts);
  }

  /** The Prometheus text exposition of everything. */
  async exposition(): Promise<Readonly<{ contentType: string; body: string }>> {
    try {
      return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    } finally {
      this.pending = undefined;
    }
  }

  private sample(): Promise<RuntimeSample | undefined> {
    if (this.runtime === undefined) return Promise.resolve(undefined);
    // A failing status read must not fail the scrape: the runtime gauges are then left empty.
    this.pending ??= this.runtime().catch(() => undefined);
    return this.pending;
  }

  private registerRuntimeGauges(registers: Registry[]): void {
    const gauge = <Label extends string>(name: string, help: string, labelNames: readonly Label[], fill: (gauge: Gauge<Label>, sample: RuntimeSample) => void): void => {
      const sampleOf = () => this.sample();
      new Gauge<Label>({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          const sample = await sampleOf();
          this.reset();
          if (sample !== undefined) fill(this, sample);
        },
      });
    };
    const servingOf = (projection: ProjectionSample) => projection.serving;
    gauge('ledger_projection_events_behind', "Events of interest committed after the serving generation's checkpoint", ['projection'], (g, s) => {
      for (const p of s.projections) g.set({ projection: p.name }, servingOf(p)?.events_behind ?? 0);
    });
    gauge('ledger_projection_rebuild_events_behind', 'Events a rebuild under way still has to apply', ['projection'], (g, s) => {
      for (const p of s.projections) if (p.rebuild !== null) g.set({ projection: p.name }, p.rebuild.events_behind);
    });
    gauge('ledger_projection_seconds_behind', 'Age of the oldest event the serving generation has not applied (0 when caught up)', ['projection'], (g, s) => {
      for (const p of s.projections) g.set({ projection: p.name }, servingOf(p)?.seconds_behind ?? 0);
    });
    gauge('ledger_projection_events_per_second', 'Events applied per second over the last 10 s (this process)', ['projection'], (g, s) => {
      for (const p of s.projections) g.set({ projection: p.name }, servingOf(p)?.events_per_second ?? 0);
    });
    gauge('ledger_projection_events_applied', 'Events applied by the serving generation since it was created', ['projection'], (g, s) => {
      for (const p of s.projections) g.set({ projection: p.name }, servingOf(p)?.events_applied ?? 0);
    });
    gauge('ledger_projection_lag_seconds', 'Append-to-read-model time of events applied while live, p50 and p99 of the latest samples', ['projection', 'quantile'], (g, s) => {
      for (const p of s.projections) {
        if (p.lag_ms === null) continue;
        g.set({ projection: p.name, quantile: '0.5' }, p.lag_ms.p50 / 1000);
        g.set({ projection: p.name, quantile: '0.99' }, p.lag_ms.p99 / 1000);
      }
    });
    gauge('ledger_projection_parked_events', 'Events parked (neither retried nor skipped)', ['projection'], (g, s) => {
      for (const p of s.projections) g.set({ projection: p.name }, p.parked_events.length);
    });
    gauge('ledger_projection_state', 'Projection state: 1 for the current state, 0 for the others', ['projection', 'state'], (g, s) => {
      for (const p of s.projections) for (const state of PROJECTION_STATES) g.set({ projection: p.name, state }, p.state === state ? 1 : 0);
    });
    this.registerRelayAndPoolGauges(gauge);
  }

  private registerRelayAndPoolGauges(
    gauge: <Label extends string>(name: string, help: string, labelNames: readonly Label[], fill: (gauge: Gauge<Label>, sample: RuntimeSample) => void) => void,
  ): void {
    gauge('ledger_relay_backlog_events', "PaymentIntent events in the log after the relay's checkpoint", ['relay'], (g, s) => {
      for (const r of s.relays) g.set({ relay: r.name }, r.backlogEvents);
    });
    gauge('ledger_relay_seconds_behind', 'Age of the oldest event the relay has not published (0 when caught up)', ['relay'], (g, s) => {
      for (const r of s.relays) g.set({ relay: r.name }, r.secondsBehind);
    });
    gauge('ledger_relay_events_per_second', 'Log events relayed per second over the last 10 s (this process)', ['relay'], (g, s) => {
      for (const r of s.relays) g.set({ relay: r.name }, r.eventsPerSecond);
    });
    gauge('ledger_relay_messages_published', 'Integration messages acknowledged by the broker since this process started the relay', ['relay'], (g, s) => {
      for (const r of s.relays) g.set({ relay: r.name }, r.messagesPublished);
    });
    gauge('ledger_relay_publish_errors', 'Failed connects or produce requests to Kafka since this process started the relay (each retried)', ['relay'], (g, s) => {
      for (const r of s.relays) g.set({ relay: r.name }, r.publishErrors);
    });
    gauge('ledger_relay_state', 'Relay state: 1 for the current state, 0 for the others', ['relay', 'state'], (g, s) => {
      for (const r of s.relays) for (const state of RELAY_STATES) g.set({ relay: r.name, state }, r.state === state ? 1 : 0);
    });
    gauge('ledger_db_pool_connections', 'PostgreSQL pool connections: in_use, idle, and callers waiting for one', ['state'], (g, s) => {
      const pool = this.database?.poolStats?.() ?? s.pool;
      if (pool === undefined) return;
      g.set({ state: 'in_use' }, pool.total - pool.idle);
      g.set({ state: 'idle' }, pool.idle);
      g.set({ state: 'waiting' }, pool.waiting);
    });
    gauge('ledger_db_pool_waiting_requests', 'Callers waiting for a pool connection', [], (g, s) => {
      if (s.pool !== undefined) g.set(s.pool.waiting);
    });
    gauge('ledger_log_hidden_events', 'Committed events log readers cannot see yet because an older transaction is still open (below pg_snapshot_xmin)', [], (g, s) => {
      if (s.horizon !== undefined) g.set(s.horizon.hiddenEvents);
    });
    gauge('ledger_log_oldest_open_transaction_seconds', 'Age of the oldest open transaction holding an xid (what holds log readers back)', [], (g, s) => {
      if (s.horizon !== undefined) g.set(s.horizon.oldestOpenTransactionSeconds);
    });
  }

  private registerPoolMetrics(): void {
    const poolGauge = (name: string, help: string, read: (stats: DatabasePoolSample) => number): void => {
      const pool = () => this.database?.poolStats?.();
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const stats = pool();
          if (stats !== undefined) this.set(read(stats));
        },
      });
    };
    poolGauge('ledger_db_pool_size_max', 'The PostgreSQL pool size limit (DATABASE_POOL_SIZE)', (stats) => stats.sizeMax);
    poolGauge(
      'ledger_db_pool_in_use_max_ratio',
      'Highest share of the pool in use seen at a connection checkout since the process started (0..1)',
      (stats) => stats.inUseMaxFraction,
    );
  }

  private registerQueryMetrics(): void {
    const registers = [this.registry];
    const queries = () => this.database?.queryStats?.();
    const total = (name: string, help: string, read: (stats: QuerySample) => number): void => {
      new Counter({
        name,
        help,
        registers,
        collect() {
          const stats = queries();
          if (stats === undefined) return;
          // A counter has no set(): the client's cumulative number replaces the previous one.
          this.reset();
          this.inc(read(stats));
        },
      });
    };
    total('ledger_db_queries_total', 'Statements sent to PostgreSQL through the pool (sessions included)', (stats) => stats.queries);
    total(
      'ledger_db_query_seconds_total',
      'Summed time of those statements, from reaching a connection to their rows (the wait for a free connection excluded)',
      (stats) => stats.totalMs / 1000,
    );
  }
}
