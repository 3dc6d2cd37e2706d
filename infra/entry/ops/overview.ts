/**
 * The ops overview: everything the /ops page shows, assembled from the runtimes' own status
 * (projections, relay), the log horizon (who holds readers back), stuck payments, the pool and
 * the last seconds of HTTP traffic. The metrics' scrape-time gauges read the same sources.
 */
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import type { RuntimeSample } from '../../adapters/observability/metrics.js';
import type { RequestWindow, RequestWindowSummary } from '../../adapters/observability/requestWindow.js';
import { readLogHorizon, type LogHorizon } from '../../runtime/diagnostics/logHorizon.js';
import { findStuckPayments, type StuckPayments } from '../../runtime/diagnostics/stuckPayments.js';
import type { ProjectionRuntime, ProjectionStatus } from '../../runtime/projections/projectionRuntime.js';
import type { RelayHandle } from '../../runtime/relay/relay.js';
import type { RelayStatus } from '../../runtime/relay/relayStatus.js';
import { PAYMENT_INTENTS_PROJECTION } from '../../../projections/paymentIntents/index.js';

export type OpsSources = Readonly<{
  client: SqlClient;
  projections: ProjectionRuntime;
  relay: RelayHandle;
  requests: RequestWindow;
  /** Attempts `processing` longer than this are stuck (LEDGER_STUCK_PAYMENT_SECONDS). */
  stuckThresholdSeconds: number;
}>;

export type OpsOverview = Readonly<{
  generated_at: string;
  projections: readonly ProjectionStatus[];
  relay: RelayStatus;
  log_horizon: LogHorizon | null;
  stuck_payments: StuckPayments | null;
  requests: RequestWindowSummary;
  pool: Readonly<{ total: number; idle: number; waiting: number }> | null;
}>;

/** Stuck payments read at most once per `cacheMs` (a scan of the read model). */
export function stuckPaymentsReader(sources: OpsSources, cacheMs = 2_000): (thresholdSeconds?: number) => Promise<StuckPayments | null> {
  let cached: { at: number; threshold: number; value: StuckPayments } | undefined;
  return async (thresholdSeconds = sources.stuckThresholdSeconds) => {
    if (!sources.projections.names.includes(PAYMENT_INTENTS_PROJECTION)) return null;
    if (cached !== undefined && cached.threshold === thresholdSeconds && Date.now() - cached.at < cacheMs) return cached.value;
    const schema = await sources.projections.readModels.servingSchema(PAYMENT_INTENTS_PROJECTION).catch(() => undefined);
    if (schema === undefined) return null;
    const value = await findStuckPayments(sources.client, schema, thresholdSeconds);
    cached = { at: Date.now(), threshold: thresholdSeconds, value };
    return value;
  };
}

export function opsOverview(sources: OpsSources): () => Promise<OpsOverview> {
  const stuck = stuckPaymentsReader(sources);
  return async () => {
    const [projections, relay, horizon, stuckPayments] = await Promise.all([sources.projections.status(), sources.relay.status(), readLogHorizon(sources.client), stuck()]);
    return {
      generated_at: new Date().toISOString(),
      projections,
      relay,
      log_horizon: horizon,
      stuck_payments: stuckPayments,
      requests: sources.requests.summary(),
      pool: sources.client.poolStats?.() ?? null,
    };
  };
}

/** What a Prometheus scrape collects (metrics.ts): the same sources, without the stuck-payment scan. */
export function runtimeSample(sources: OpsSources): () => Promise<RuntimeSample> {
  return async () => {
    const [projections, relay, horizon] = await Promise.all([sources.projections.status(), sources.relay.status(), readLogHorizon(sources.client)]);
    const oldest = horizon.held_back_by.reduce((age, holder) => Math.max(age, holder.transaction_age_seconds), 0);
    return {
      projections,
      relays: [relay],
      pool: sources.client.poolStats?.(),
      horizon: { hiddenEvents: horizon.hidden_events, oldestOpenTransactionSeconds: oldest },
    };
  };
}
