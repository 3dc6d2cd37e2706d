/**
 * The journal read model's contract: its projection name and the Kysely row types of its tables, shared by the
 * projector that writes them (projections/journal) and the query routes that read them (query/journal).
 * bigint columns come back as strings, timestamptz and date as Date (node-postgres and PGlite).
 */
export const JOURNAL_PROJECTION_NAME = 'journal';

/** bigint columns as the driver returns them (text: they may pass 2^53). */
type BigintColumn = string;

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
