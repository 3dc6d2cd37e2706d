/**
 * The `journal` projector: the merchants' double-entry books (payments.md b.2/b.3) from the
 * PaymentIntent log — entries, their postings, account balances (posted and pending, TigerBeetle
 * style) and holds. Fees come from the store's provider configuration in force at that point of
 * the log (TenancyReference, kept in this projection's own tables).
 *
 * Set-based, per batch: load the tenancy facts and the holds the batch touches (one SELECT each),
 * run the posting rules in memory in log order, then write entries + postings + balances in one
 * statement, and holds and tenancy facts in one each (rows cross as one array parameter per
 * column). Ids derive from event ids and every insert is `ON CONFLICT DO NOTHING`; balances add
 * only the postings actually inserted, so a replayed batch changes nothing.
 */
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import { PAYMENT_INTENT_STREAM_PREFIX } from '../../domain/paymentIntent/index.js';
import { toSourceEvent } from '../integration/index.js';
import type { Projector, ProjectionSql } from '../runtime/projector.js';
import { TENANCY_REFERENCE_STREAM_PREFIXES, TenancyReference } from '../tenancyReference/index.js';
import type { Hold, HoldKind, HoldStatus, JournalEntry } from './journalTypes.js';
import { journalTables } from './journalTables.js';
import { holdKeyTouchedBy, journalFor } from './postingRules.js';

import { JOURNAL_PROJECTION_NAME } from '../../schemas/readModels/journal.js';

export { JOURNAL_PROJECTION_NAME };

/** Store events may change a business-day schedule (TENANCY_REFERENCE_STREAM_PREFIXES). */

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

/** `SELECT … FROM unnest($1::t1[], $2::t2[], …) AS alias(c1, c2, …)`: rows as one array per column, the cheapest shape to send and parse. */
function unnestColumns(alias: string, columns: readonly (readonly [name: string, type: string])[], firstParameter: number): string {
  const arrays = columns.map(([, type], index) => `$${firstParameter + index}::${type}[]`).join(', ');
  return `unnest(${arrays}) AS ${alias}(${columns.map(([name]) => name).join(', ')})`;
}

const ENTRY_COLUMNS = [
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
  ['metadata', 'jsonb'],
] as const;
const POSTING_COLUMNS = [
  ['entry_id', 'uuid'],
  ['leg', 'smallint'],
  ['posting_id', 'uuid'],
  ['account', 'text'],
  ['direction', 'text'],
  ['effect', 'text'],
  ['amount', 'bigint'],
  ['currency', 'text'],
  ['occurred_at', 'timestamptz'],
] as const;
const ACCOUNT_COLUMNS = [
  ['account', 'text'],
  ['currency', 'text'],
  ['client_partner_id', 'text'],
  ['merchant_id', 'text'],
  ['store_id', 'text'],
  ['code', 'text'],
  ['type', 'text'],
  ['normal_side', 'text'],
] as const;

const WRITE_ENTRIES = `WITH entries_inserted AS (
   INSERT INTO journal_entries (entry_id, event_id, entry_index, log_position, log_commit, log_prepare, code, kind, hold_key,
                                payment_intent_id, client_partner_id, merchant_id, store_id, occurred_at, business_date, metadata)
   SELECT entry_id, event_id, entry_index, log_commit || ':' || log_prepare, log_commit, log_prepare, code, kind, hold_key,
          payment_intent_id, client_partner_id, merchant_id, store_id, occurred_at, business_date, metadata
     FROM ${unnestColumns('e', ENTRY_COLUMNS, 1)}
   ON CONFLICT (entry_id) DO NOTHING
 ), postings_inserted AS (
   INSERT INTO journal_postings (entry_id, leg, posting_id, account, direction, effect, amount, currency, occurred_at)
   SELECT * FROM ${unnestColumns('p', POSTING_COLUMNS, 1 + ENTRY_COLUMNS.length)}
   ON CONFLICT (entry_id, leg) DO NOTHING
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
   FROM deltas d JOIN ${unnestColumns('a', ACCOUNT_COLUMNS, 1 + ENTRY_COLUMNS.length + POSTING_COLUMNS.length)} USING (account, currency)
 ON CONFLICT (account, currency) DO UPDATE SET
   posted_debits = journal_accounts.posted_debits + EXCLUDED.posted_debits,
   posted_credits = journal_accounts.posted_credits + EXCLUDED.posted_credits,
   pending_debits = journal_accounts.pending_debits + EXCLUDED.pending_debits,
   pending_credits = journal_accounts.pending_credits + EXCLUDED.pending_credits`;

/** One array per column, in the order of `columns`. */
function columnArrays(columns: readonly (readonly [string, string])[]): unknown[][] {
  return columns.map(() => []);
}

function push(arrays: unknown[][], values: readonly unknown[]): void {
  values.forEach((value, index) => arrays[index]?.push(value));
}

/**
 * Writes a batch's entries, their postings and the balances of their accounts in ONE statement,
 * each table's rows as column arrays. Entries and postings are `ON CONFLICT DO NOTHING`; balances
 * add exactly the postings inserted, so a replayed batch changes nothing.
 */
async function writeEntries(sql: ProjectionSql, entries: readonly PositionedEntry[]): Promise<void> {
  const entryArrays = columnArrays(ENTRY_COLUMNS);
  const postingArrays = columnArrays(POSTING_COLUMNS);
  const accountArrays = columnArrays(ACCOUNT_COLUMNS);
  const accountsSeen = new Set<string>();
  for (const { entry, commit, prepare } of entries) {
    push(entryArrays, [
      entry.entryId,
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
      entry.occurredAt,
      entry.businessDate,
      JSON.stringify(entry.metadata),
    ]);
    for (const posting of entry.postings) {
      const { account, currency } = posting;
      push(postingArrays, [entry.entryId, posting.leg, posting.postingId, account.path, posting.direction, posting.effect, posting.amountMinor, currency, entry.occurredAt]);
      const key = `${account.path}|${currency}`;
      if (accountsSeen.has(key)) continue;
      accountsSeen.add(key);
      const { owner } = account;
      push(accountArrays, [account.path, currency, owner.clientPartnerId, owner.merchantId, owner.storeId, account.code, account.type, account.normalSide]);
    }
  }
  await sql.query(WRITE_ENTRIES, [...entryArrays, ...postingArrays, ...accountArrays]);
}

const HOLD_COLUMNS = [
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
] as const;

const WRITE_HOLDS = `INSERT INTO journal_holds (${HOLD_COLUMNS.map(([name]) => name).join(', ')})
 SELECT * FROM ${unnestColumns('h', HOLD_COLUMNS, 1)}
 ON CONFLICT (hold_key) DO UPDATE SET
   status = EXCLUDED.status, amount_posted = EXCLUDED.amount_posted, resolving_entry_id = EXCLUDED.resolving_entry_id,
   resolved_by_event_id = EXCLUDED.resolved_by_event_id, resolved_at = EXCLUDED.resolved_at`;

async function writeHolds(sql: ProjectionSql, holds: readonly Hold[]): Promise<void> {
  if (holds.length === 0) return;
  const arrays = columnArrays(HOLD_COLUMNS);
  for (const hold of holds) {
    push(arrays, [
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
  await sql.query(WRITE_HOLDS, arrays);
}

/** Applies one batch (log order) inside the runtime's transaction. */
export async function applyJournalBatch(sql: ProjectionSql, events: readonly RecordedEvent[]): Promise<void> {
  const sources = events.map((recorded) => ({ recorded, source: toSourceEvent(recorded) }));
  const holdKeys = new Set<string>();
  for (const { source } of sources) {
    const key = source === undefined ? null : holdKeyTouchedBy(source.event);
    if (key !== null) holdKeys.add(key);
  }
  const reference = await TenancyReference.load(sql, events);
  const holds = await loadHolds(sql, [...holdKeys]);
  const changedHolds = new Map<string, Hold>();
  const entries: PositionedEntry[] = [];
  for (const { recorded, source } of sources) {
    reference.observe(recorded);
    if (source === undefined) continue;
    const { storeId, occurredAt } = source.event.data;
    const result = journalFor({
      eventId: recorded.id,
      event: source.event,
      businessDate: reference.businessDate(storeId, occurredAt),
      feesFor: (providerCode) => reference.fees(storeId, providerCode),
      holdOf: (holdKey) => holds.get(holdKey),
    });
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
  filter: { streamPrefixes: [PAYMENT_INTENT_STREAM_PREFIX, ...TENANCY_REFERENCE_STREAM_PREFIXES] },
  apply: applyJournalBatch,
});
