/**
 * The `journal` projector: the merchants' double-entry books (payments.md b.2/b.3) from the
 * PaymentIntent log — entries, their postings, account balances (posted and pending, TigerBeetle
 * style) and holds. Fees come from the store's provider configuration in force at that point of
 * the log (TenancyReference, kept in this projection's own tables).
 *
 * Set-based, per batch: load the tenancy facts and the holds the batch touches (one SELECT each),
 * run the posting rules in memory in log order, then write entries + postings + balances in one
 * statement, and holds and tenancy facts in one each (rows cross as one array parameter per
 * column, runtime/batchRows.ts). Ids derive from event ids; entries are `ON CONFLICT DO NOTHING`
 * and carry their postings; balances add only the postings actually inserted, so a replayed batch
 * changes nothing.
 */
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import { PAYMENT_LOG_FILTER, paymentIntentEventOf } from '../runtime/paymentLog.js';
import { BatchRows, type ScalarColumn } from '../runtime/batchRows.js';
import type { Projector, ProjectionSql } from '../runtime/projector.js';
import { TenancyReference } from '../tenancyReference/index.js';
import type { Hold, HoldKind, HoldStatus, JournalEntry } from './journalTypes.js';
import { journalTables } from './journalTables.js';
import { holdKeyTouchedBy, journalFor, type PostingInput } from './postingRules.js';

import { JOURNAL_PROJECTION_NAME } from '../../schemas/readModels/journal.js';

export { JOURNAL_PROJECTION_NAME };

type PositionedEntry = Readonly<{ entry: JournalEntry; commit: string; prepare: string }>;

type HoldRow = {
  hold_key: string;
  kind: HoldKind;
  payment_intent_id: string;
  amount: string;
  currency: string;
  status: HoldStatus;
  amount_posted: string;
  pending_entry_id: string;
  resolving_entry_id: string | null;
  resolved_by_event_id: string | null;
  created_at: string;
  resolved_at: string | null;
};

const isoText = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

async function loadHolds(sql: ProjectionSql, holdKeys: readonly string[]): Promise<Map<string, Hold>> {
  const holds = new Map<string, Hold>();
  if (holdKeys.length === 0) return holds;
  const rows = await sql.query<HoldRow>(
    `SELECT hold_key, kind, payment_intent_id, amount::text AS amount, currency, status, amount_posted::text AS amount_posted,
            pending_entry_id::text AS pending_entry_id, resolving_entry_id::text AS resolving_entry_id,
            resolved_by_event_id::text AS resolved_by_event_id, ${isoText('created_at')} AS created_at, ${isoText('resolved_at')} AS resolved_at
       FROM journal_holds WHERE hold_key = ANY ($1::text[])`,
    [holdKeys],
  );
  for (const row of rows) {
    holds.set(row.hold_key, {
      holdKey: row.hold_key,
      kind: row.kind,
      paymentIntentId: row.payment_intent_id,
      amountMinor: Number(row.amount),
      currency: row.currency,
      status: row.status,
      amountPostedMinor: Number(row.amount_posted),
      pendingEntryId: row.pending_entry_id,
      resolvingEntryId: row.resolving_entry_id,
      resolvedByEventId: row.resolved_by_event_id,
      createdAt: row.created_at,
      resolvedAt: row.resolved_at,
    });
  }
  return holds;
}

const ENTRY_COLUMNS: readonly ScalarColumn[] = [
  ['entry_id', 'uuid'],
  ['event_id', 'uuid'],
  ['entry_index', 'smallint'],
  ['log_commit', 'bigint'],
  ['log_prepare', 'bigint'],
  ['code', 'integer'],
  ['kind', 'text'],
  ['hold_key', 'text'],
  ['payment_intent_id', 'text'],
  ['client_partner_id', 'text'],
  ['merchant_id', 'text'],
  ['store_id', 'text'],
  ['occurred_at', 'timestamptz'],
  ['business_date', 'date'],
];
const POSTING_COLUMNS: readonly ScalarColumn[] = [
  ['entry_id', 'uuid'],
  ['leg', 'smallint'],
  ['posting_id', 'uuid'],
  ['account', 'text'],
  ['direction', 'text'],
  ['effect', 'text'],
  ['amount', 'bigint'],
  ['currency', 'text'],
  ['occurred_at', 'timestamptz'],
];
const ACCOUNT_COLUMNS: readonly ScalarColumn[] = [
  ['account', 'text'],
  ['currency', 'text'],
  ['client_partner_id', 'text'],
  ['merchant_id', 'text'],
  ['store_id', 'text'],
  ['code', 'text'],
  ['type', 'text'],
  ['normal_side', 'text'],
];

/** The three row sets of `WRITE_ENTRIES`, numbered one after the other: entries (with their metadata), postings, accounts. */
function entryBatches(): { entries: BatchRows; postings: BatchRows; accounts: BatchRows } {
  const entries = new BatchRows(ENTRY_COLUMNS, ['metadata']);
  const postings = new BatchRows(POSTING_COLUMNS, [], 1 + entries.parameterCount);
  const accounts = new BatchRows(ACCOUNT_COLUMNS, [], 1 + entries.parameterCount + postings.parameterCount);
  return { entries, postings, accounts };
}

const SOURCES = entryBatches();

const WRITE_ENTRIES = `WITH entries_inserted AS (
   INSERT INTO journal_entries (entry_id, event_id, entry_index, log_position, log_commit, log_prepare, code, kind, hold_key,
                                payment_intent_id, client_partner_id, merchant_id, store_id, occurred_at, business_date, metadata)
   SELECT entry_id, event_id, entry_index, log_commit || ':' || log_prepare, log_commit, log_prepare, code, kind, hold_key,
          payment_intent_id, client_partner_id, merchant_id, store_id, occurred_at, business_date, metadata::jsonb
     FROM ${SOURCES.entries.source('e')}
   ON CONFLICT (entry_id) DO NOTHING
   RETURNING entry_id
 ), postings_inserted AS (
   INSERT INTO journal_postings (entry_id, leg, posting_id, account, direction, effect, amount, currency, occurred_at)
   SELECT p.* FROM ${SOURCES.postings.source('p')} JOIN entries_inserted USING (entry_id)
   RETURNING account, currency, direction, effect, amount
 ), deltas AS (
   SELECT account, currency,
          coalesce(sum(amount) FILTER (WHERE direction = 'debit' AND effect = 'posted'), 0) AS posted_debits,
          coalesce(sum(amount) FILTER (WHERE direction = 'credit' AND effect = 'posted'), 0) AS posted_credits,
          coalesce(sum(CASE WHEN effect = 'pending' THEN amount ELSE -amount END) FILTER (WHERE direction = 'debit' AND effect <> 'posted'), 0) AS pending_debits,
          coalesce(sum(CASE WHEN effect = 'pending' THEN amount ELSE -amount END) FILTER (WHERE direction = 'credit' AND effect <> 'posted'), 0) AS pending_credits
     FROM postings_inserted GROUP BY account, currency
 )
 INSERT INTO journal_accounts (account, currency, client_partner_id, merchant_id, store_id, code, type, normal_side,
                               posted_debits, posted_credits, pending_debits, pending_credits)
 SELECT d.account, d.currency, a.client_partner_id, a.merchant_id, a.store_id, a.code, a.type, a.normal_side,
        d.posted_debits, d.posted_credits, d.pending_debits, d.pending_credits
   FROM deltas d JOIN ${SOURCES.accounts.source('a')} USING (account, currency)
 ON CONFLICT (account, currency) DO UPDATE SET
   posted_debits = journal_accounts.posted_debits + EXCLUDED.posted_debits,
   posted_credits = journal_accounts.posted_credits + EXCLUDED.posted_credits,
   pending_debits = journal_accounts.pending_debits + EXCLUDED.pending_debits,
   pending_credits = journal_accounts.pending_credits + EXCLUDED.pending_credits`;

/**
 * Writes a batch's entries, their postings and the balances of their accounts in ONE statement,
 * each table's rows as column arrays. Entries are `ON CONFLICT DO NOTHING`, and only the postings
 * of the entries actually inserted are inserted (an entry and its postings are only ever written
 * together, here, so they exist together; a conflict check per posting would cost more than the
 * join); balances add exactly the postings inserted, so a replayed batch changes nothing.
 */
async function writeEntries(sql: ProjectionSql, positioned: readonly PositionedEntry[]): Promise<void> {
  const { entries, postings, accounts } = entryBatches();
  const accountsSeen = new Set<string>();
  for (const { entry, commit, prepare } of positioned) {
    const { entryId, occurredAt } = entry;
    entries.add(
      [
        entryId,
        entry.eventId,
        entry.entryIndex,
        commit,
        prepare,
        entry.code,
        entry.kind,
        entry.holdKey,
        entry.paymentIntentId,
        entry.clientPartnerId,
        entry.merchantId,
        entry.storeId,
        occurredAt,
        entry.businessDate,
      ],
      [entry.metadata],
    );
    for (const posting of entry.postings) {
      const { account, currency } = posting;
      postings.add([entryId, posting.leg, posting.postingId, account.path, posting.direction, posting.effect, posting.amountMinor, currency, occurredAt]);
      const key = `${account.path}|${currency}`;
      if (accountsSeen.has(key)) continue;
      accountsSeen.add(key);
      const { owner } = account;
      accounts.add([account.path, currency, owner.clientPartnerId, owner.merchantId, owner.storeId, account.code, account.type, account.normalSide]);
    }
  }
  await sql.query(WRITE_ENTRIES, [...entries.parameters(), ...postings.parameters(), ...accounts.parameters()]);
}

const HOLD_COLUMNS: readonly ScalarColumn[] = [
  ['hold_key', 'text'],
  ['kind', 'text'],
  ['payment_intent_id', 'text'],
  ['amount', 'bigint'],
  ['currency', 'text'],
  ['status', 'text'],
  ['amount_posted', 'bigint'],
  ['pending_entry_id', 'uuid'],
  ['resolving_entry_id', 'uuid'],
  ['resolved_by_event_id', 'uuid'],
  ['created_at', 'timestamptz'],
  ['resolved_at', 'timestamptz'],
];

const WRITE_HOLDS = `INSERT INTO journal_holds (${HOLD_COLUMNS.map(([name]) => name).join(', ')})
 SELECT * FROM ${new BatchRows(HOLD_COLUMNS).source('h')}
 ON CONFLICT (hold_key) DO UPDATE SET
   status = EXCLUDED.status, amount_posted = EXCLUDED.amount_posted, resolving_entry_id = EXCLUDED.resolving_entry_id,
   resolved_by_event_id = EXCLUDED.resolved_by_event_id, resolved_at = EXCLUDED.resolved_at`;

async function writeHolds(sql: ProjectionSql, holds: readonly Hold[]): Promise<void> {
  if (holds.length === 0) return;
  const batch = new BatchRows(HOLD_COLUMNS);
  for (const hold of holds) {
    batch.add([
      hold.holdKey,
      hold.kind,
      hold.paymentIntentId,
      hold.amountMinor,
      hold.currency,
      hold.status,
      hold.amountPostedMinor,
      hold.pendingEntryId,
      hold.resolvingEntryId,
      hold.resolvedByEventId,
      hold.createdAt,
      hold.resolvedAt,
    ]);
  }
  await sql.query(WRITE_HOLDS, batch.parameters());
}

/**
 * The fees of one store, as `PostingInput.feesFor` wants them. Made by a function, once per event:
 * an arrow written inline in the input would also be given a name on every call by the loader's
 * keep-names transform, which costs more than the rest of the closure. The business date is asked
 * for (and computed) only by events that post an entry.
 */
function feesOfStore(reference: TenancyReference, storeId: string): PostingInput['feesFor'] {
  return (providerCode) => reference.fees(storeId, providerCode);
}

function businessDateAt(reference: TenancyReference, storeId: string, instant: string): () => string {
  return () => reference.businessDate(storeId, instant);
}

function holdsLookup(holds: ReadonlyMap<string, Hold>): PostingInput['holdOf'] {
  return (holdKey) => holds.get(holdKey);
}

/** Applies one batch (log order) inside the runtime's transaction. */
export async function applyJournalBatch(sql: ProjectionSql, events: readonly RecordedEvent[]): Promise<void> {
  const holdKeys = new Set<string>();
  for (const recorded of events) {
    const event = paymentIntentEventOf(recorded);
    const key = event === undefined ? null : holdKeyTouchedBy(event);
    if (key !== null) holdKeys.add(key);
  }
  const reference = await TenancyReference.load(sql, events);
  const holds = await loadHolds(sql, [...holdKeys]);
  const holdOf = holdsLookup(holds);
  const changedHolds = new Map<string, Hold>();
  const entries: PositionedEntry[] = [];
  for (const recorded of events) {
    reference.observe(recorded);
    const event = paymentIntentEventOf(recorded);
    if (event === undefined) continue;
    const { storeId, occurredAt } = event.data;
    const businessDate = businessDateAt(reference, storeId, occurredAt);
    const result = journalFor({ eventId: recorded.id, event, businessDate, feesFor: feesOfStore(reference, storeId), holdOf });
    for (const hold of result.holds) {
      holds.set(hold.holdKey, hold);
      changedHolds.set(hold.holdKey, hold);
    }
    const commit = recorded.position.commit.toString();
    const prepare = recorded.position.prepare.toString();
    for (const entry of result.entries) entries.push({ entry, commit, prepare });
  }
  await reference.save(sql);
  if (entries.length > 0) await writeEntries(sql, entries);
  await writeHolds(sql, [...changedHolds.values()]);
}

export const journalProjector: Projector = Object.freeze({
  name: JOURNAL_PROJECTION_NAME,
  version: 1,
  tables: journalTables,
  filter: PAYMENT_LOG_FILTER,
  apply: applyJournalBatch,
});
