/**
 * The payment intents read model's table: one row per intent, with the columns the report lists
 * filter and sort on and the folded domain state — what the next batch evolves from, and what the
 * query side renders with `renderPaymentIntent`, the function `GET /v1/payment_intents/:id` uses, so
 * a report shows exactly the representation the write side returns. Storing the rendered JSON too
 * would double the bytes every upsert parses and writes (measured: about 30% of the rebuild's CPU,
 * to save a render of microseconds per row read). `state` is `json`, not `jsonb`: SQL never looks
 * inside it, it is only written and loaded whole, and `json` keeps the text as given, which costs
 * PostgreSQL about a quarter less per batch than converting to and from `jsonb`.
 *
 * Newest first is `(created_at DESC, id DESC)`: stable (neither column ever changes) and unique
 * (the id). Each secondary index leads with one tenant level and ends with that sort key, so every
 * list is an index range scan in its own order; status, mode and provider are filters on it, and a
 * business-date range also bounds `created_at` (domain/businessDay/creationWindow.ts). Only
 * columns that never change after creation are indexed, so an update can stay a HOT update
 * (fillfactor leaves room). No index on status: it changes with almost every event, and indexing
 * it would make every such update a non-HOT one.
 */

export const PAYMENT_INTENTS_TABLE = 'payment_intents';

export const paymentIntentsTables: readonly string[] = [
  `CREATE TABLE payment_intents (
     id                  text PRIMARY KEY,
     client_partner_id   text NOT NULL,
     merchant_id         text NOT NULL,
     store_id            text NOT NULL,
     terminal_id         text NOT NULL,
     mode                text NOT NULL,
     provider            text,
     status              text NOT NULL,
     capture_method      text NOT NULL,
     currency            text NOT NULL,
     amount              bigint NOT NULL CHECK (amount >= 0),
     amount_received     bigint NOT NULL CHECK (amount_received >= 0),
     amount_refunded     bigint NOT NULL CHECK (amount_refunded >= 0),
     client_reference_id text,
     created_at          timestamptz NOT NULL,
     updated_at          timestamptz NOT NULL,
     business_date       text NOT NULL CHECK (business_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
     last_position       text NOT NULL,
     stream_revision     integer NOT NULL,
     state               json NOT NULL
   ) WITH (fillfactor = 80)`,
  'CREATE INDEX payment_intents_partner_newest ON payment_intents (client_partner_id, created_at DESC, id DESC)',
  'CREATE INDEX payment_intents_merchant_newest ON payment_intents (merchant_id, created_at DESC, id DESC)',
  'CREATE INDEX payment_intents_store_newest ON payment_intents (store_id, created_at DESC, id DESC)',
  'CREATE INDEX payment_intents_terminal_newest ON payment_intents (terminal_id, created_at DESC, id DESC)',
];

export type { PaymentIntentTables, PaymentIntentsTable } from '../../schemas/readModels/paymentIntents.js';
