import type { PhaseReport } from './measure.js';

/**
 * The seeds' success criteria (environments document, "Success Criteria"), line by line, for one
 * measured window. Latency is of accepted requests (the expected status), from their meant start;
 * every other outcome (another status, a shed 429/503, a timeout, a network error, a request the
 * client could not start) counts in the error rate. "Availability > 99.9 %" is not a load-test
 * number here (it is uptime over a month) and is left out.
 */
export type CriterionLine = Readonly<{ criterion: string; value: number | null; unit: string; target: string; met: boolean | null; note?: string }>;

export const SEED_CRITERIA = {
  errorRateMax: 0.001,
  p50MsMax: 100,
  p95MsMax: 500,
  p99MsMax: 1000,
  poolUtilisationMax: 0.8,
  averageQueryMsMax: 50,
} as const;

export function criteriaLines(phase: PhaseReport): CriterionLine[] {
  const { summary, database } = phase;
  const below = (value: number | null, max: number): boolean | null => (value === null ? null : value < max);
  const latency = summary.latencyMs;
  const lines: CriterionLine[] = [
    {
      criterion: 'error rate',
      value: round6(summary.errors.rate),
      unit: 'fraction',
      target: `< ${SEED_CRITERIA.errorRateMax}`,
      met: below(summary.errors.rate, SEED_CRITERIA.errorRateMax),
    },
    { criterion: 'P50 latency', value: latency?.p50Ms ?? null, unit: 'ms', target: `< ${SEED_CRITERIA.p50MsMax}`, met: below(latency?.p50Ms ?? null, SEED_CRITERIA.p50MsMax) },
    { criterion: 'P95 latency', value: latency?.p95Ms ?? null, unit: 'ms', target: `< ${SEED_CRITERIA.p95MsMax}`, met: below(latency?.p95Ms ?? null, SEED_CRITERIA.p95MsMax) },
    { criterion: 'P99 latency', value: latency?.p99Ms ?? null, unit: 'ms', target: `< ${SEED_CRITERIA.p99MsMax}`, met: below(latency?.p99Ms ?? null, SEED_CRITERIA.p99MsMax) },
  ];
  if (database === null) {
    const note = 'the baseline server exposes no pool or query metrics';
    lines.push({ criterion: 'connection pool utilisation', value: null, unit: 'fraction', target: `< ${SEED_CRITERIA.poolUtilisationMax}`, met: null, note });
    lines.push({ criterion: 'average query time', value: null, unit: 'ms', target: `< ${SEED_CRITERIA.averageQueryMsMax}`, met: null, note });
    return lines;
  }
  lines.push({
    criterion: 'connection pool utilisation',
    value: database.poolUtilisationMax,
    unit: 'fraction',
    target: `< ${SEED_CRITERIA.poolUtilisationMax}`,
    met: below(database.poolUtilisationMax, SEED_CRITERIA.poolUtilisationMax),
    note: `highest in-use / pool size of ${database.samples} samples of /metrics, one a second`,
  });
  lines.push({
    criterion: 'average query time',
    value: database.averageQueryMs,
    unit: 'ms',
    target: `< ${SEED_CRITERIA.averageQueryMsMax}`,
    met: below(database.averageQueryMs, SEED_CRITERIA.averageQueryMsMax),
    note: database.note ?? `Δ ledger_db_query_seconds_total / Δ ledger_db_queries_total over the window (${database.queries ?? 0} statements)`,
  });
  return lines;
}

/** All lines met (lines that could not be measured do not count either way). */
export function allMet(lines: readonly CriterionLine[]): boolean {
  return lines.every((line) => line.met !== false);
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
