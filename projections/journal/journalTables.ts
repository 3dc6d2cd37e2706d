/**
 * The journal read model's tables (DDL with unqualified names, created per generation by the
 * runtime) and their Kysely row types for the query routes. bigint columns come back as strings,
 * timestamptz and date as Date (node-postgres and PGlite) — the routes cast what they render.
 */
import { tenancyReferenceTables } from '../tenancyReference/index.js';

export const journalTables: readonly string[] = [
  ...tenancyReferenceTables,
  `CREATE TABLE journal_entries (
     entry_id          uuid PRIMARY KEY,
     event_id          uuid NOT NULL,
     entry_index       smallint NOT NULL CHECK (entry_index >= 0),
     log_position      text NOT NULL,
     log_commit        bigint NOT NULL,
     log_prepare       bigint NOT NULL,
     code              integer NOT NULL,
     kind              text NOT NULL CHECK (kind IN ('posted', 'pending', 'post_pending', 'void_pending')),
     hold_key          text,
     payment_intent_id text NOT NULL,
     client_partner_id text NOT NULL,
     merchant_id       text NOT NULL,
     store_id          text NOT NULL,
     occurred_at       timestamptz NOT NULL,
     business_date     date NOT NULL,
     metadata          jsonb NOT NULL
   )`,
  // Newest first within a tenant, a store or an intent: (log_commit, log_prepare, entry_index) is the log order.
  'CREATE INDEX journal_entries_by_client_partner ON journal_entries (client_partner_id, log_commit, log_prepare, entry_index)',
  'CREATE INDEX journal_entries_by_store ON journal_entries (store_id, log_commit, log_prepare, entry_index)',
  'CREATE INDEX journal_entries_by_intent ON journal_entries (payment_intent_id)',
  // Keyed by (entry_id, leg): posting_id is derived from the same facts (UUIDv5 of event id and leg),
  // so it needs no index of its own — one index fewer on the hottest insert of a rebuild.
  `CREATE TABLE journal_postings (
     entry_id    uuid NOT NULL,
     leg         smallint NOT NULL CHECK (leg >= 0),
     posting_id  uuid NOT NULL,
     account     text NOT NULL,
     direction   text NOT NULL CHECK (direction IN ('debit', 'credit')),
     effect      text NOT NULL CHECK (effect IN ('posted', 'pending', 'pending_released')),
     amount      bigint NOT NULL CHECK (amount > 0),
     currency    text NOT NULL,
     occurred_at timestamptz NOT NULL,
     PRIMARY KEY (entry_id, leg)
   )`,
  'CREATE INDEX journal_postings_by_account_time ON journal_postings (account, occurred_at)',
  // The four balances are running sums of the account's postings. No CHECK ≥ 0 on them: an upsert
  // checks the proposed row (a batch's delta, which is negative when it releases an older hold).
  `CREATE TABLE journal_accounts (
     account           text NOT NULL,
     currency          text NOT NULL,
     client_partner_id text NOT NULL,
     merchant_id       text NOT NULL,
     store_id          text,
     code              text NOT NULL,
     type              text NOT NULL CHECK (type IN ('asset', 'liability', 'revenue', 'contra_revenue', 'expense')),
     normal_side       text NOT NULL CHECK (normal_side IN ('debit', 'credit')),
     posted_debits     bigint NOT NULL,
     posted_credits    bigint NOT NULL,
     pending_debits    bigint NOT NULL,
     pending_credits   bigint NOT NULL,
     PRIMARY KEY (account, currency)
   )`,
  'CREATE INDEX journal_accounts_by_merchant ON journal_accounts (client_partner_id, merchant_id, account, currency)',
  `CREATE TABLE journal_holds (
     hold_key             text PRIMARY KEY,
     kind                 text NOT NULL CHECK (kind IN ('authorization', 'refund', 'suspense')),
     payment_intent_id    text NOT NULL,
     amount               bigint NOT NULL CHECK (amount > 0),
     currency             text NOT NULL,
     status               text NOT NULL CHECK (status IN ('pending', 'posted', 'voided')),
     amount_posted        bigint NOT NULL CHECK (amount_posted >= 0 AND amount_posted <= amount),
     pending_entry_id     uuid NOT NULL,
     resolving_entry_id   uuid,
     resolved_by_event_id uuid,
     created_at           timestamptz NOT NULL,
     resolved_at          timestamptz
   )`,
];

export type { JournalAccountsTable, JournalEntriesTable, JournalHoldsTable, JournalPostingsTable, JournalTables } from '../../schemas/readModels/journal.js';
