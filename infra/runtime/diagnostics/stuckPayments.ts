/**
 * Stuck payments (docs/ops.md): intents whose attempt has been `processing` (outcome pending or
 * unknown) for longer than a threshold, from the payment_intents read model, grouped by provider
 * and store, oldest first, with the intent and attempt ids to look up or resolve.
 * The read model has no index on status (it changes with almost every event): this is a scan of
 * the serving table, fine at the page's refresh on today's volumes; cached by the caller.
 */
import type { SqlClient } from '../../adapters/db/sqlClient.js';

export type StuckPayment = Readonly<{
  payment_intent_id: string;
  attempt_id: string | null;
  merchant_id: string;
  terminal_id: string;
  amount: number;
  currency: string;
  processing_since: string;
  seconds_stuck: number;
}>;

export type StuckGroup = Readonly<{ provider: string | null; store_id: string; count: number; oldest_seconds: number; payments: readonly StuckPayment[] }>;

export type StuckPayments = Readonly<{ threshold_seconds: number; total: number; groups: readonly StuckGroup[] }>;

type Row = {
  id: string;
  provider: string | null;
  store_id: string;
  merchant_id: string;
  terminal_id: string;
  amount: string;
  currency: string;
  attempt_id: string | null;
  since: string;
  age: string;
};

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `schema`: the serving schema of the payment_intents projection. At most `limit` payments are listed (oldest first). */
export async function findStuckPayments(client: SqlClient, schema: string, thresholdSeconds: number, limit = 200): Promise<StuckPayments> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`unexpected read-model schema name ${schema}`);
  const rows = await client.query<Row>(
    `SELECT id, provider, store_id, merchant_id, terminal_id, amount::text AS amount, currency, state->>'activeAttemptId' AS attempt_id,
            to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since,
            extract(epoch FROM clock_timestamp() - updated_at)::text AS age
       FROM "${schema}".payment_intents
      WHERE status = 'processing' AND updated_at < clock_timestamp() - make_interval(secs => $1::double precision)
      ORDER BY updated_at, id
      LIMIT $2`,
    [thresholdSeconds, limit],
  );
  const groups = new Map<string, { provider: string | null; store_id: string; payments: StuckPayment[] }>();
  for (const row of rows) {
    const key = `${row.provider ?? ''}|${row.store_id}`;
    const group = groups.get(key) ?? { provider: row.provider, store_id: row.store_id, payments: [] };
    group.payments.push({
      payment_intent_id: row.id,
      attempt_id: row.attempt_id,
      merchant_id: row.merchant_id,
      terminal_id: row.terminal_id,
      amount: Number(row.amount),
      currency: row.currency,
      processing_since: row.since,
      seconds_stuck: Math.round(Number(row.age)),
    });
    groups.set(key, group);
  }
  return {
    threshold_seconds: thresholdSeconds,
    total: rows.length,
    groups: [...groups.values()].map((group) => ({ ...group, count: group.payments.length, oldest_seconds: group.payments[0]?.seconds_stuck ?? 0 })),
  };
}
