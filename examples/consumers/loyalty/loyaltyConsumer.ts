/**
 * The loyalty context: points accrue when a payment completes and are reversed proportionally when
 * it is refunded. Points belong to the member the POS linked to the bill; here the bill's
 * `client_reference_id` stands for that link (`member_ref`).
 *
 * Dedupe is durable and exact: each event's id goes into `loyalty_processed_events` in the SAME
 * transaction as its point movement, so a re-delivery (the relay's crash window, a consumer
 * restart before its offset commit, a replay from the beginning) changes nothing.
 */
import type pg from 'pg';
import type { PaymentIntegrationEvent } from '../../../schemas/integration/index.js';
import { consumeIntegrationEvents, type ConsumerLog, type RunningConsumer } from '../shared/consumeIntegrationEvents.js';
import { pointsEarned, pointsToReverse } from './points.js';

/** The loyalty context's own tables (its own database in production). */
export const LOYALTY_SCHEMA = `
CREATE TABLE IF NOT EXISTS loyalty_processed_events (
  event_id     uuid PRIMARY KEY,
  event_type   text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS loyalty_awards (
  payment_intent_id text PRIMARY KEY,
  merchant_id       text NOT NULL,
  member_ref        text,
  currency          text NOT NULL,
  amount_received   bigint NOT NULL,
  points_awarded    bigint NOT NULL CHECK (points_awarded >= 0),
  points_reversed   bigint NOT NULL DEFAULT 0 CHECK (points_reversed BETWEEN 0 AND points_awarded)
);
CREATE TABLE IF NOT EXISTS loyalty_point_movements (
  event_id          uuid PRIMARY KEY REFERENCES loyalty_processed_events (event_id),
  payment_intent_id text NOT NULL REFERENCES loyalty_awards (payment_intent_id),
  points            bigint NOT NULL,
  occurred_at       timestamptz NOT NULL
);`;

export type LoyaltyOutcome = 'accrued' | 'reversed' | 'duplicate' | 'ignored';

type Award = { points_awarded: string; points_reversed: string; amount_received: string };

async function accrue(client: pg.PoolClient, event: Extract<PaymentIntegrationEvent, { type: 'payment.completed.v1' }>): Promise<LoyaltyOutcome> {
  const points = pointsEarned(event.amount, event.currency);
  const inserted = await client.query(
    `INSERT INTO loyalty_awards (payment_intent_id, merchant_id, member_ref, currency, amount_received, points_awarded)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (payment_intent_id) DO NOTHING RETURNING payment_intent_id`,
    [event.payment_intent_id, event.merchant_id, event.client_reference_id, event.currency, event.amount, points],
  );
  if (inserted.rowCount === 0) return 'ignored';
  await client.query('INSERT INTO loyalty_point_movements (event_id, payment_intent_id, points, occurred_at) VALUES ($1, $2, $3, $4)', [
    event.id,
    event.payment_intent_id,
    points,
    event.occurred_at,
  ]);
  return 'accrued';
}

async function reverse(client: pg.PoolClient, event: Extract<PaymentIntegrationEvent, { type: 'payment.refunded.v1' }>): Promise<LoyaltyOutcome> {
  const { rows } = await client.query<Award>(
    'SELECT points_awarded::text, points_reversed::text, amount_received::text FROM loyalty_awards WHERE payment_intent_id = $1 FOR UPDATE',
    [event.payment_intent_id],
  );
  const award = rows[0];
  if (award === undefined) return 'ignored'; // paid before this context existed: nothing to take back
  const points = pointsToReverse({
    awarded: Number(award.points_awarded),
    reversed: Number(award.points_reversed),
    totalRefunded: event.total_refunded,
    amountReceived: Number(award.amount_received),
  });
  await client.query('UPDATE loyalty_awards SET points_reversed = points_reversed + $2 WHERE payment_intent_id = $1', [event.payment_intent_id, points]);
  await client.query('INSERT INTO loyalty_point_movements (event_id, payment_intent_id, points, occurred_at) VALUES ($1, $2, $3, $4)', [
    event.id,
    event.payment_intent_id,
    -points,
    event.occurred_at,
  ]);
  return 'reversed';
}

/** Applies one event exactly once (by its id), in one transaction. */
export async function applyLoyaltyEvent(pool: pg.Pool, event: PaymentIntegrationEvent): Promise<LoyaltyOutcome> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const first = await client.query('INSERT INTO loyalty_processed_events (event_id, event_type) VALUES ($1, $2) ON CONFLICT DO NOTHING', [event.id, event.type]);
    if (first.rowCount === 0) {
      await client.query('ROLLBACK');
      return 'duplicate';
    }
    let outcome: LoyaltyOutcome = 'ignored';
    if (event.type === 'payment.completed.v1') outcome = await accrue(client, event);
    if (event.type === 'payment.refunded.v1') outcome = await reverse(client, event);
    await client.query('COMMIT');
    return outcome;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Balance per member: Σ point movements of the member's awards. */
export async function memberBalances(pool: pg.Pool): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ member_ref: string; points: string }>(
    `SELECT coalesce(a.member_ref, '') AS member_ref, sum(m.points)::text AS points
       FROM loyalty_point_movements m JOIN loyalty_awards a USING (payment_intent_id) GROUP BY 1`,
  );
  return new Map(rows.map((row) => [row.member_ref, Number(row.points)]));
}

export type LoyaltyConsumerOptions = Readonly<{
  brokers: readonly string[];
  pool: pg.Pool;
  groupId?: string;
  topic?: string;
  fromBeginning?: boolean;
  log: ConsumerLog;
  onApplied?: (event: PaymentIntegrationEvent, outcome: LoyaltyOutcome) => void;
}>;

/** Creates the tables if needed and consumes payment events into points. */
export async function startLoyaltyConsumer(options: LoyaltyConsumerOptions): Promise<RunningConsumer> {
  await options.pool.query(LOYALTY_SCHEMA);
  return consumeIntegrationEvents({
    brokers: options.brokers,
    groupId: options.groupId ?? 'loyalty-points',
    ...(options.topic === undefined ? {} : { topic: options.topic }),
    fromBeginning: options.fromBeginning ?? false,
    log: options.log,
    handle: async (event, info) => {
      const outcome = await applyLoyaltyEvent(options.pool, event);
      if (outcome === 'duplicate') options.log('info', 'duplicate event skipped', { ...info, id: event.id });
      options.onApplied?.(event, outcome);
    },
  });
}
