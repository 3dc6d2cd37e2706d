/**
 * Queries over the `settlement` read model, always scoped to the calling client partner:
 * the per-day settlement rows of one merchant (newest business date first, then provider and
 * currency; keyset pagination on that order) and the report of one closed batch.
 */
import type { SqlBool } from 'kysely';
import { sql } from 'kysely';
import { SETTLEMENT_PROJECTION, type SettlementDayTable, type SettlementTables } from '../../schemas/readModels/settlement.js';
import type { SettlementBatchReport, SettlementDayResource, SettlementListQuery, SettlementTotals } from '../../schemas/settlement.js';
import type { ReadModels } from '../../schemas/readModels/readModels.js';
import { decodeRowCursor, encodeRowCursor, toSafeInteger } from '../sales/rowCursor.js';

const CURSOR_PREFIX = 'stl';

type DayRow = Pick<SettlementDayTable, 'merchant_id' | 'business_date' | 'provider' | 'currency' | 'batch_id' | 'closed_at'> &
  Readonly<Record<TotalsColumn, string>> &
  Readonly<Record<`closed_${TotalsColumn}`, string | null>>;
type TotalsColumn = keyof SettlementTotals;

const totalsColumns = ['payment_count', 'gross', 'refund_count', 'refunds', 'fees', 'net'] as const satisfies readonly TotalsColumn[];

function totals(row: DayRow, prefix: '' | 'closed_'): SettlementTotals {
  const read = (column: TotalsColumn) => toSafeInteger(prefix === '' ? row[column] : row[`closed_${column}`]);
  return { payment_count: read('payment_count'), gross: read('gross'), refund_count: read('refund_count'), refunds: read('refunds'), fees: read('fees'), net: read('net') };
}

function minus(live: SettlementTotals, atClose: SettlementTotals): SettlementTotals {
  return {
    payment_count: live.payment_count - atClose.payment_count,
    gross: live.gross - atClose.gross,
    refund_count: live.refund_count - atClose.refund_count,
    refunds: live.refunds - atClose.refunds,
    fees: live.fees - atClose.fees,
    net: live.net - atClose.net,
  };
}

function renderDay(row: DayRow): SettlementDayResource {
  const live = totals(row, '');
  const closed = row.batch_id !== null;
  return {
    id: encodeRowCursor(CURSOR_PREFIX, [row.business_date, row.provider, row.currency]),
    object: 'settlement_day',
    merchant_id: row.merchant_id,
    provider: row.provider,
    business_date: row.business_date,
    currency: row.currency,
    status: closed ? 'closed' : 'open',
    batch_id: row.batch_id,
    closed_at: row.closed_at,
    ...live,
    adjustments_after_close: closed ? minus(live, totals(row, 'closed_')) : null,
  };
}

async function settlementDb(readModels: ReadModels) {
  return readModels.db.withSchema(await readModels.servingSchema(SETTLEMENT_PROJECTION)).withTables<SettlementTables>();
}

const dayColumns = [
  'merchant_id',
  'business_date',
  'provider',
  'currency',
  'batch_id',
  'closed_at',
  ...totalsColumns,
  ...totalsColumns.map((column) => `closed_${column}` as const),
] as const;

export type SettlementDayPage = Readonly<{ items: readonly SettlementDayResource[]; hasMore: boolean }>;

/** @throws InvalidCursorError when `starting_after` is not a row id of this list */
export async function listSettlementDays(readModels: ReadModels, clientPartnerId: string, query: SettlementListQuery): Promise<SettlementDayPage> {
  const after = query.starting_after === undefined ? undefined : decodeRowCursor(CURSOR_PREFIX, 3, query.starting_after);
  const db = await settlementDb(readModels);
  let select = db.selectFrom('settlement_day').select(dayColumns).where('client_partner_id', '=', clientPartnerId).where('merchant_id', '=', query.merchant_id);
  if (query.provider !== undefined) select = select.where('provider', '=', query.provider);
  if (query.status !== undefined) select = select.where('batch_id', query.status === 'open' ? 'is' : 'is not', null);
  if (query.business_date_from !== undefined) select = select.where('business_date', '>=', query.business_date_from);
  if (query.business_date_to !== undefined) select = select.where('business_date', '<=', query.business_date_to);
  if (after !== undefined) {
    const [date = '', provider = '', currency = ''] = after;
    select = select.where('business_date', '<=', date).where(sql<SqlBool>`(business_date < ${date} OR (provider, currency) > (${provider}::text, ${currency}::text))`);
  }
  const rows = await select
    .orderBy('business_date', 'desc')
    .orderBy('provider')
    .orderBy('currency')
    .limit(query.limit + 1)
    .execute();
  return { items: rows.slice(0, query.limit).map(renderDay), hasMore: rows.length > query.limit };
}

/** The report of one closed batch, or undefined when it does not exist (yet) for this client partner. */
export async function readSettlementBatch(readModels: ReadModels, clientPartnerId: string, batchId: string): Promise<SettlementBatchReport | undefined> {
  const db = await settlementDb(readModels);
  const batch = await db
    .selectFrom('settlement_batch')
    .select(['batch_id', 'merchant_id', 'provider', 'business_date', 'closed_at'])
    .where('batch_id', '=', batchId)
    .where('client_partner_id', '=', clientPartnerId)
    .executeTakeFirst();
  if (batch === undefined) return undefined;
  const rows = await db
    .selectFrom('settlement_day')
    .select(dayColumns)
    .where('client_partner_id', '=', clientPartnerId)
    .where('batch_id', '=', batchId)
    .orderBy('currency')
    .execute();
  return {
    id: batch.batch_id,
    object: 'settlement_batch',
    merchant_id: batch.merchant_id,
    provider: batch.provider,
    business_date: batch.business_date,
    status: 'closed',
    closed_at: batch.closed_at,
    lines: rows.map((row) => {
      const live = totals(row, '');
      const atClose = totals(row, 'closed_');
      return { currency: row.currency, at_close: atClose, live, adjustments_after_close: minus(live, atClose) };
    }),
  };
}
