import type { RunClock } from './openLoop.js';

/**
 * Reads the ledger's `GET /metrics` (Prometheus text; the child runs with
 * LEDGER_METRICS_ACCESS=loopback) once a second: pool connections in use, the pool's size, the
 * statement count and time (infra/adapters/db/pgClient.ts via `metrics.observeDatabase(client)`),
 * and the projections' backlog. A window's pool utilisation is the highest in-use / max of its
 * samples; its average query time is Δ seconds / Δ statements between its first and last sample.
 */
export type MetricsSample = Readonly<{
  atMs: number;
  inUse: number | null;
  waiting: number | null;
  sizeMax: number | null;
  inUseMaxRatioSinceStart: number | null;
  queries: number | null;
  querySeconds: number | null;
  projectionEventsBehind: number | null;
}>;

export type WindowDatabase = Readonly<{
  samples: number;
  /** Highest (connections in use) / pool size among the samples, 0..1. */
  poolUtilisationMax: number | null;
  poolWaitingMax: number | null;
  /** Connections in use at each sample (the singleton roles' lock sessions hold some all the time). */
  poolInUseSamples: readonly number[];
  /** Highest share seen at a checkout since the ledger started (ledger_db_pool_in_use_max_ratio; not per window). */
  poolInUseMaxRatioSinceStart: number | null;
  queries: number | null;
  averageQueryMs: number | null;
  note: string | null;
}>;

const SAMPLE_EVERY_MS = 1_000;
const SCRAPE_TIMEOUT_MS = 3_000;

export class MetricsProbe {
  private readonly samples: MetricsSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly clock: RunClock,
    /** The pool size passed to the ledger (DATABASE_POOL_SIZE), used when the gauge is absent. */
    private readonly poolSizeFallback: number,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      void this.sample();
    }, SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  get scrapeFailures(): number {
    return this.failures;
  }

  /** One scrape now (also called at window edges). */
  async sample(): Promise<MetricsSample | undefined> {
    try {
      const response = await fetch(`${this.baseUrl}/metrics`, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      const sample = parseSample(text, this.clock.now());
      this.samples.push(sample);
      return sample;
    } catch {
      this.failures += 1;
      return undefined;
    }
  }

  /** The latest projection backlog (events behind, summed over projections), or null. */
  latestProjectionBacklog(): number | null {
    return this.samples.at(-1)?.projectionEventsBehind ?? null;
  }

  window(fromMs: number, toMs: number): WindowDatabase {
    const inside = this.samples.filter((sample) => sample.atMs >= fromMs && sample.atMs <= toMs);
    const fractions = inside.flatMap((sample) => {
      const size = sample.sizeMax ?? this.poolSizeFallback;
      return sample.inUse === null || size <= 0 ? [] : [sample.inUse / size];
    });
    const waiting = inside.flatMap((sample) => (sample.waiting === null ? [] : [sample.waiting]));
    const first = inside.find((sample) => sample.queries !== null && sample.querySeconds !== null);
    const last = inside.findLast((sample) => sample.queries !== null && sample.querySeconds !== null);
    const queries = first !== undefined && last !== undefined ? (last.queries ?? 0) - (first.queries ?? 0) : null;
    const seconds = first !== undefined && last !== undefined ? (last.querySeconds ?? 0) - (first.querySeconds ?? 0) : null;
    const noQueryMetrics = inside.length > 0 && first === undefined;
    return {
      samples: inside.length,
      poolUtilisationMax: fractions.length === 0 ? null : round4(Math.max(...fractions)),
      poolWaitingMax: waiting.length === 0 ? null : Math.max(...waiting),
      poolInUseSamples: inside.flatMap((sample) => (sample.inUse === null ? [] : [sample.inUse])),
      poolInUseMaxRatioSinceStart: inside.at(-1)?.inUseMaxRatioSinceStart ?? null,
      queries,
      averageQueryMs: queries === null || seconds === null || queries <= 0 ? null : round4((1000 * seconds) / queries),
      note: noQueryMetrics
        ? 'ledger_db_queries_total / ledger_db_query_seconds_total absent from /metrics: the ledger does not call metrics.observeDatabase(client) yet'
        : inside.length === 0
          ? 'no /metrics sample in the window'
          : null,
    };
  }
}

/** The value of `name{labels}` in a Prometheus text exposition (labels exactly as written), or null. */
export function metricValue(text: string, name: string, labels = ''): number | null {
  const prefix = `${name}${labels === '' ? '' : `{${labels}}`} `;
  const line = text.split('\n').find((candidate) => candidate.startsWith(prefix));
  if (line === undefined) return null;
  const value = Number(line.slice(prefix.length).split(' ')[0]);
  return Number.isFinite(value) ? value : null;
}

function sumOf(text: string, name: string): number | null {
  let total: number | null = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

function parseSample(text: string, atMs: number): MetricsSample {
  return {
    atMs,
    inUse: metricValue(text, 'ledger_db_pool_connections', 'state="in_use"'),
    waiting: metricValue(text, 'ledger_db_pool_connections', 'state="waiting"') ?? metricValue(text, 'ledger_db_pool_waiting_requests'),
    sizeMax: metricValue(text, 'ledger_db_pool_size_max'),
    inUseMaxRatioSinceStart: metricValue(text, 'ledger_db_pool_in_use_max_ratio'),
    queries: metricValue(text, 'ledger_db_queries_total'),
    querySeconds: metricValue(text, 'ledger_db_query_seconds_total'),
    projectionEventsBehind: sumOf(text, 'ledger_projection_events_behind'),
  };
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
