/**
 * The journal read model's tables (DDL with unqualified names, created per generation by the
 * runtime) and their Kysely row types for the query routes. bigint columns come back as strings,
 * timestamptz and date as Date (node-postgres and PGlite) — the routes cast what they render.
 */
import { tenancyReferenceTables } from '../tenancyReference/index.js';

/** bigint columns as the driver returns them (text: they may pass 2^53). */
type BigintColumn = string;

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

export type JournalEntriesTable = {
  entry_id: string;
  event_id: string;
  entry_index: number;
  log_position: string;
  log_commit: BigintColumn;
  log_prepare: BigintColumn;
  code: number;
  kind: 'posted' | 'pending' | 'post_pending' | 'void_pending';
  hold_key: string | null;
  payment_intent_id: string;
  client_partner_id: string;
  merchant_id: string;
  store_id: string;
  occurred_at: Date;
  business_date: Date;
  metadata: Record<string, unknown>;
};

export type JournalPostingsTable = {
  posting_id: string;
  entry_id: string;
  leg: number;
  account: string;
  direction: 'debit' | 'credit';
  effect: 'posted' | 'pending' | 'pending_released';
  amount: BigintColumn;
  currency: string;
  occurred_at: Date;
};

export type JournalAccountsTable = {
  account: string;
  currency: string;
  client_partner_id: string;
  merchant_id: string;
  store_id: string | null;
  code: string;
  type: 'asset' | 'liability' | 'revenue' | 'contra_revenue' | 'expense';
  normal_side: 'debit' | 'credit';
  posted_debits: BigintColumn;
  posted_credits: BigintColumn;
  pending_debits: BigintColumn;
  pending_credits: BigintColumn;
};

export type JournalHoldsTable = {
  hold_key: string;
  kind: 'authorization' | 'refund' | 'suspense';
  payment_intent_id: string;
  amount: BigintColumn;
  currency: string;
  status: 'pending' | 'posted' | 'voided';
  amount_posted: BigintColumn;
  pending_entry_id: string;
  resolving_entry_id: string | null;
  resolved_by_event_id: string | null;
  created_at: Date;
  resolved_at: Date | null;
};

/** The journal's tables, for `readModels.db.withSchema(…).withTables<JournalTables>()`. */
export type JournalTables = {
  journal_entries: JournalEntriesTable;
  journal_postings: JournalPostingsTable;
  journal_accounts: JournalAccountsTable;
  journal_holds: JournalHoldsTable;
};
