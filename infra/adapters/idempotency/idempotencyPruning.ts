import type { SqlClient } from '../db/sqlClient.js';

/**
 * Idempotency records past their retention (docs/idempotency.md: 7 days) are deleted on a schedule,
 * in batches, so the table holds about a week of keys whatever the traffic, and one prune never holds
 * many row locks or a long transaction (which would hold the log's readers back, event-store.md).
 * Several processes may prune at once: rows another prune is deleting are skipped, not waited for.
 */
export type IdempotencyPruning = Readonly<{
  /** Deletes every expired record, `batchSize` per statement; answers how many went. */
  pruneNow: () => Promise<number>;
  stop: () => void;
}>;

export type IdempotencyPruningOptions = Readonly<{
  client: SqlClient;
  /** Between two prunes (a prune runs until no expired record is left). */
  intervalMs: number;
  /** Records deleted per statement (default 5,000). */
  batchSize?: number;
  onPruned?: (records: number, elapsedMs: number) => void;
  onError: (error: unknown) => void;
}>;

const DEFAULT_BATCH_SIZE = 5_000;

/** One batch: the oldest expired records (by the database's clock, as their expiry was set). */
export async function pruneExpiredIdempotencyBatch(client: SqlClient, batchSize: number): Promise<number> {
  const rows = await client.query<{ pruned: number }>(
    `WITH gone AS (
       DELETE FROM idempotency_keys WHERE (scope, key) IN (
         SELECT scope, key FROM idempotency_keys WHERE expires_at < now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING 1)
     SELECT count(*)::int AS pruned FROM gone`,
    [batchSize],
  );
  return rows[0]?.pruned ?? 0;
}

/**
 * @example const pruning = startIdempotencyPruning({ client, intervalMs: 600_000, onError: (error) => log.warn({ err: error }) });
 */
export function startIdempotencyPruning(options: IdempotencyPruningOptions): IdempotencyPruning {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let running: Promise<number> | undefined;
  const pruneAll = async (): Promise<number> => {
    const started = Date.now();
    let total = 0;
    for (;;) {
      const pruned = await pruneExpiredIdempotencyBatch(options.client, batchSize);
      total += pruned;
      if (pruned < batchSize) break;
    }
    if (total > 0) options.onPruned?.(total, Date.now() - started);
    return total;
  };
  // One prune at a time in this process: a tick while one runs joins it.
  const pruneNow = (): Promise<number> => (running ??= pruneAll().finally(() => (running = undefined)));
  const timer = setInterval(() => {
    pruneNow().catch(options.onError);
  }, options.intervalMs);
  timer.unref();
  return {
    pruneNow,
    stop: () => {
      clearInterval(timer);
    },
  };
}
