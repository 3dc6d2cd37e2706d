/** The payment intents read model's contract: projection name and row types, shared by projections/paymentIntents and query/paymentIntents. */
import type { ColumnType } from 'kysely';
import type { ExistingPaymentIntent } from '../../domain/paymentIntent/index.js';

export const PAYMENT_INTENTS_PROJECTION = 'payment_intents';

/**
 * One row as the query side sees it through Kysely. Select types are what node-postgres returns:
 * bigint as a decimal string, timestamptz as a Date, jsonb parsed. `business_date` is text
 * (`YYYY-MM-DD`), so it compares and sorts as a date and reads back the same on every driver.
 */
export type PaymentIntentsTable = {
  id: string;
  client_partner_id: string;
  merchant_id: string;
  store_id: string;
  terminal_id: string;
  mode: ExistingPaymentIntent['mode'];
  provider: string | null;
  status: ExistingPaymentIntent['status'];
  capture_method: ExistingPaymentIntent['captureMethod'];
  currency: string;
  /** Minor units. */
  amount: ColumnType<string, number, number>;
  amount_received: ColumnType<string, number, number>;
  /** Σ succeeded refunds, minor units. */
  amount_refunded: ColumnType<string, number, number>;
  client_reference_id: string | null;
  /** `occurredAt` of PaymentIntentCreated. */
  created_at: ColumnType<Date, string, string>;
  /** `occurredAt` of the last event applied. */
  updated_at: ColumnType<Date, string, string>;
  /** The store's business date of `created_at`, under its schedule at that point of the log. */
  business_date: string;
  /** `formatPosition` of the last event applied. */
  last_position: string;
  /** Revision of the last event applied in the intent's stream. */
  stream_revision: number;
  /** The domain state after the last event applied (`evolve`); render it with `renderPaymentIntent`. */
  state: ExistingPaymentIntent;
};

/** The read model's tables, for `readModels.db.withSchema(…).withTables<PaymentIntentTables>()`. */
export type PaymentIntentTables = {
  payment_intents: PaymentIntentsTable;
};
