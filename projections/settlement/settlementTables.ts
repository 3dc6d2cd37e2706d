/**
 * The tables of projection `settlement` and their Kysely types (bigint columns arrive as decimal
 * strings; dates are 'YYYY-MM-DD' text, so they sort as they compare).
 *
 * `settlement_day`: one row per client partner × merchant × business date × provider × currency,
 * with the live totals; once the day's batch is closed, also its `batch_id`, `closed_at` and the
 * totals frozen at the close (`closed_*`). Adjustments after close = live − frozen.
 * `settlement_batch`: one row per closed batch (merchant × provider × business date), also for a
 * day with no sales, so a close is visible before (or without) any totals.
 */

export type { SettlementBatchTable, SettlementDayTable, SettlementTables } from '../../schemas/readModels/settlement.js';

export const settlementTables: readonly string[] = [
  `CREATE TABLE settlement_day (
     client_partner_id    text   NOT NULL,
     merchant_id          text   NOT NULL,
     business_date        text   NOT NULL CHECK (business_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
     provider             text   NOT NULL,
     currency             text   NOT NULL,
     payment_count        bigint NOT NULL,
     gross                bigint NOT NULL,
     refund_count         bigint NOT NULL,
     refunds              bigint NOT NULL,
     fees                 bigint NOT NULL,
     net                  bigint NOT NULL,
     batch_id             text,
     closed_at            text,
     closed_payment_count bigint,
     closed_gross         bigint,
     closed_refund_count  bigint,
     closed_refunds       bigint,
     closed_fees          bigint,
     closed_net           bigint,
     PRIMARY KEY (client_partner_id, merchant_id, business_date, provider, currency),
     CHECK ((batch_id IS NULL) = (closed_at IS NULL) AND (batch_id IS NULL) = (closed_net IS NULL))
   )`,
  `CREATE INDEX settlement_day_batch ON settlement_day (batch_id) WHERE batch_id IS NOT NULL`,
  `CREATE TABLE settlement_batch (
     batch_id          text PRIMARY KEY,
     client_partner_id text NOT NULL,
     merchant_id       text NOT NULL,
     provider          text NOT NULL,
     business_date     text NOT NULL,
     closed_at         text NOT NULL,
     UNIQUE (client_partner_id, merchant_id, business_date, provider)
   )`,
];
