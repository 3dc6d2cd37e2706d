/**
 * The SELECTs of the ledger routes over the `journal` read model. Every one is scoped to the
 * caller's tenant (another tenant's rows do not exist here): a partner sees its client partner's
 * merchants; a terminal sees its own store's accounts and entries only — merchant-level accounts
 * (fees, tax: no store) are for partners.
 *
 * Balances come from `journal_accounts` (running sums), or, with `as_of`, from Σ postings that
 * occurred at or before that instant (index `journal_postings (account, occurred_at)`).
 */
import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import { JOURNAL_PROJECTION_NAME, type JournalTables } from '../../schemas/readModels/journal.js';
import type { LedgerAccount, LedgerEntry, ListLedgerAccountsQuery, ListLedgerEntriesQuery } from '../../schemas/journal.js';
import { transferCodeNames } from '../../schemas/journal.js';
import type { QueryScope } from '../queryScope.js';
import type { ReadModels } from '../../schemas/readModels/readModels.js';

type Db = Kysely<Record<string, never> & JournalTables>;
type Scoped = ExpressionBuilder<JournalTables, 'journal_accounts'> | ExpressionBuilder<JournalTables, 'journal_entries'>;

/** The cursor names no row the caller can see. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

export type Page<Item> = Readonly<{ items: readonly Item[]; hasMore: boolean }>;

type Balances = Readonly<{ posted_debits: string; posted_credits: string; pending_debits: string; pending_credits: string }>;

async function servingDb(readModels: ReadModels): Promise<Db> {
  const schema = await readModels.servingSchema(JOURNAL_PROJECTION_NAME);
  return readModels.db.withSchema(schema).withTables<JournalTables>();
}

function inScope(eb: Scoped, scope: QueryScope): Expression<SqlBool> {
  // Both tables carry the three tenancy columns; the union of builders only needs their names.
  const where = eb as ExpressionBuilder<JournalTables, 'journal_entries'>;
  switch (scope.kind) {
    case 'client_partner':
      return where('client_partner_id', '=', scope.clientPartnerId);
    case 'merchant':
      return where.and([where('client_partner_id', '=', scope.clientPartnerId), where('merchant_id', '=', scope.merchantId)]);
    case 'store':
      return where.and([where('client_partner_id', '=', scope.clientPartnerId), where('merchant_id', '=', scope.merchantId), where('store_id', '=', scope.storeId)]);
  }
}

/** A bigint column (text) as a JSON-safe integer; a sum past 2^53 is a fault, never a rounded number. */
function safeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`ledger amount ${text} is not a safe integer`);
  return value;
}

const isoInstant = sql<string>`to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const sumOf = (direction: 'debit' | 'credit', effect: 'posted' | 'pending') =>
  effect === 'posted'
    ? sql<string>`coalesce(sum(amount) FILTER (WHERE direction = ${direction} AND effect = 'posted'), 0)::text`
    : sql<string>`coalesce(sum(CASE WHEN effect = 'pending' THEN amount ELSE -amount END) FILTER (WHERE direction = ${direction} AND effect <> 'posted'), 0)::text`;

/** `<path>@<currency>` → its parts. */
export function parseAccountId(id: string): Readonly<{ account: string; currency: string }> {
  const at = id.lastIndexOf('@');
  return { account: id.slice(0, at), currency: id.slice(at + 1) };
}

type AccountRow = Readonly<{
  account: string;
  currency: string;
  merchant_id: string;
  store_id: string | null;
  code: string;
  type: LedgerAccount['type'];
  normal_side: LedgerAccount['normal_side'];
}> &
  Balances;

function renderAccount(row: AccountRow, balances: Balances, asOf: string | null): LedgerAccount {
  const postedDebits = safeInteger(balances.posted_debits);
  const postedCredits = safeInteger(balances.posted_credits);
  const pendingDebits = safeInteger(balances.pending_debits);
  const pendingCredits = safeInteger(balances.pending_credits);
  const debitNormal = row.normal_side === 'debit';
  return {
    id: `${row.account}@${row.currency}`,
    object: 'ledger_account',
    account: row.account,
    currency: row.currency,
    code: row.code as LedgerAccount['code'],
    type: row.type,
    normal_side: row.normal_side,
    merchant_id: row.merchant_id,
    store_id: row.store_id,
    posted_debits: postedDebits,
    posted_credits: postedCredits,
    pending_debits: pendingDebits,
    pending_credits: pendingCredits,
    posted_balance: debitNormal ? postedDebits - postedCredits : postedCredits - postedDebits,
    pending_balance: debitNormal ? pendingDebits - pendingCredits : pendingCredits - pendingDebits,
    as_of: asOf,
  };
}

/**
 * A page of the accounts the caller may see that match `query`, by account path, with their
 * balances now or as of `query.as_of`. Throws `InvalidCursorError` for a cursor it cannot see.
 */
export async function listLedgerAccounts(readModels: ReadModels, scope: QueryScope, query: ListLedgerAccountsQuery): Promise<Page<LedgerAccount>> {
  const db = await servingDb(readModels);
  const cursor = query.starting_after === undefined ? undefined : parseAccountId(query.starting_after);
  if (cursor !== undefined) {
    const visible = await db
      .selectFrom('journal_accounts')
      .select('account')
      .where((eb) => eb.and([eb('account', '=', cursor.account), eb('currency', '=', cursor.currency), inScope(eb, scope)]))
      .executeTakeFirst();
    if (visible === undefined) throw new InvalidCursorError(`starting_after ${query.starting_after ?? ''} is not an account of this caller`);
  }
  const asOf = query.as_of === undefined ? null : new Date(query.as_of);
  const rows = await db
    .selectFrom('journal_accounts')
    .select(['account', 'currency', 'merchant_id', 'store_id', 'code', 'type', 'normal_side'])
    .select((eb) => [
      eb.cast<string>('posted_debits', 'text').as('posted_debits'),
      eb.cast<string>('posted_credits', 'text').as('posted_credits'),
      eb.cast<string>('pending_debits', 'text').as('pending_debits'),
      eb.cast<string>('pending_credits', 'text').as('pending_credits'),
    ])
    .where((eb) => {
      const conditions = [inScope(eb, scope)];
      if (query.merchant_id !== undefined) conditions.push(eb('merchant_id', '=', query.merchant_id));
      if (query.store_id !== undefined) conditions.push(eb('store_id', '=', query.store_id));
      if (query.code !== undefined) conditions.push(eb('code', '=', query.code));
      if (cursor !== undefined) conditions.push(eb(eb.refTuple('account', 'currency'), '>', eb.tuple(cursor.account, cursor.currency)));
      if (asOf !== null) {
        const postedByThen = eb
          .selectFrom('journal_postings')
          .select('journal_postings.posting_id')
          .whereRef('journal_postings.account', '=', 'journal_accounts.account')
          .whereRef('journal_postings.currency', '=', 'journal_accounts.currency')
          .where('journal_postings.occurred_at', '<=', asOf);
        conditions.push(eb.exists(postedByThen));
      }
      return eb.and(conditions);
    })
    .orderBy('account')
    .orderBy('currency')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  if (asOf === null) return { items: page.map((row) => renderAccount(row, row, null)), hasMore: rows.length > query.limit };
  const sums =
    page.length === 0
      ? []
      : await db
          .selectFrom('journal_postings')
          .select(['account', 'currency'])
          .select([
            sumOf('debit', 'posted').as('posted_debits'),
            sumOf('credit', 'posted').as('posted_credits'),
            sumOf('debit', 'pending').as('pending_debits'),
            sumOf('credit', 'pending').as('pending_credits'),
          ])
          .where('account', 'in', [...new Set(page.map((row) => row.account))])
          .where('occurred_at', '<=', asOf)
          .groupBy(['account', 'currency'])
          .execute();
  const byKey = new Map(sums.map((sum) => [`${sum.account}@${sum.currency}`, sum]));
  const zero: Balances = { posted_debits: '0', posted_credits: '0', pending_debits: '0', pending_credits: '0' };
  const asOfText = asOf.toISOString();
  return { items: page.map((row) => renderAccount(row, byKey.get(`${row.account}@${row.currency}`) ?? zero, asOfText)), hasMore: rows.length > query.limit };
}

const entryColumns = ['entry_id', 'event_id', 'code', 'kind', 'payment_intent_id', 'merchant_id', 'store_id', 'log_position', 'metadata'] as const;

type EntryRow = Readonly<{
  entry_id: string;
  event_id: string;
  code: number;
  kind: LedgerEntry['kind'];
  payment_intent_id: string;
  merchant_id: string;
  store_id: string;
  log_position: string;
  metadata: Record<string, unknown>;
  occurred_at: string;
  business_date: string;
}>;

/** The entries with their postings (one more SELECT for the whole page). */
async function withPostings(db: Db, rows: readonly EntryRow[]): Promise<LedgerEntry[]> {
  if (rows.length === 0) return [];
  const postings = await db
    .selectFrom('journal_postings')
    .select(['posting_id', 'entry_id', 'leg', 'account', 'direction', 'effect', 'currency'])
    .select((eb) => eb.cast<string>('amount', 'text').as('amount'))
    .where(
      'entry_id',
      'in',
      rows.map((row) => row.entry_id),
    )
    .orderBy('entry_id')
    .orderBy('leg')
    .execute();
  const byEntry = new Map<string, LedgerEntry['postings']>();
  for (const posting of postings) {
    const list = byEntry.get(posting.entry_id) ?? [];
    list.push({
      id: posting.posting_id,
      leg: posting.leg,
      account: posting.account,
      direction: posting.direction,
      amount: safeInteger(posting.amount),
      currency: posting.currency,
      effect: posting.effect,
    });
    byEntry.set(posting.entry_id, list);
  }
  return rows.map((row) => ({
    id: row.entry_id,
    object: 'ledger_entry',
    code: row.code,
    code_name: transferCodeNames[row.code as keyof typeof transferCodeNames],
    kind: row.kind,
    payment_intent_id: row.payment_intent_id,
    merchant_id: row.merchant_id,
    store_id: row.store_id,
    occurred_at: row.occurred_at,
    business_date: row.business_date,
    event_id: row.event_id,
    log_position: row.log_position,
    metadata: row.metadata,
    postings: byEntry.get(row.entry_id) ?? [],
  }));
}

/** One entry the caller may see, with its postings, or undefined. */
export async function findLedgerEntry(readModels: ReadModels, scope: QueryScope, entryId: string): Promise<LedgerEntry | undefined> {
  const db = await servingDb(readModels);
  const row = await db
    .selectFrom('journal_entries')
    .select(entryColumns)
    .select([isoInstant.as('occurred_at'), sql<string>`business_date::text`.as('business_date')])
    .where((eb) => eb.and([eb('entry_id', '=', entryId), inScope(eb, scope)]))
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const [entry] = await withPostings(db, [row]);
  return entry;
}

/**
 * A page of the entries the caller may see that match `query`, newest first (log order), after
 * the cursor entry if one is given. Throws `InvalidCursorError` for a cursor it cannot see.
 */
export async function listLedgerEntries(readModels: ReadModels, scope: QueryScope, query: ListLedgerEntriesQuery): Promise<Page<LedgerEntry>> {
  const db = await servingDb(readModels);
  const cursor = query.starting_after;
  if (cursor !== undefined) {
    const visible = await db
      .selectFrom('journal_entries')
      .select('entry_id')
      .where((eb) => eb.and([eb('entry_id', '=', cursor), inScope(eb, scope)]))
      .executeTakeFirst();
    if (visible === undefined) throw new InvalidCursorError(`starting_after ${cursor} is not a ledger entry of this caller`);
  }
  const rows = await db
    .selectFrom('journal_entries')
    .select(entryColumns)
    .select([isoInstant.as('occurred_at'), sql<string>`business_date::text`.as('business_date')])
    .where((eb) => {
      const conditions = [inScope(eb, scope)];
      if (query.merchant_id !== undefined) conditions.push(eb('merchant_id', '=', query.merchant_id));
      if (query.store_id !== undefined) conditions.push(eb('store_id', '=', query.store_id));
      if (query.payment_intent_id !== undefined) conditions.push(eb('payment_intent_id', '=', query.payment_intent_id));
      if (query.code !== undefined) conditions.push(eb('code', '=', query.code));
      if (cursor !== undefined) {
        const cursorKey = eb
          .selectFrom('journal_entries')
          .select(['log_commit', 'log_prepare', 'entry_index'])
          .where('entry_id', '=', cursor)
          .$asTuple('log_commit', 'log_prepare', 'entry_index');
        conditions.push(eb(eb.refTuple('log_commit', 'log_prepare', 'entry_index'), '<', cursorKey));
      }
      return eb.and(conditions);
    })
    .orderBy('log_commit', 'desc')
    .orderBy('log_prepare', 'desc')
    .orderBy('entry_index', 'desc')
    .limit(query.limit + 1)
    .execute();
  return { items: await withPostings(db, rows.slice(0, query.limit)), hasMore: rows.length > query.limit };
}
