/**
 * The sales report query over the `sales` read model: rows of one merchant (and, for a terminal,
 * its store) in a business-date period, optionally summed across the dimensions not in `group_by`,
 * newest business date first, then by store, terminal, mode, provider and currency. Keyset
 * pagination on that order: a row's id encodes its sort key and the grouping it was made with.
 */
import { sql, type SqlBool } from 'kysely';
import { SALES_PROJECTION, type SalesDailyTable, type SalesTables } from '../../schemas/readModels/sales.js';
import type { SalesDimension, SalesReportQuery, SalesSummary } from '../../schemas/sales.js';
import { salesDimensions } from '../../schemas/sales.js';
import type { QueryScope } from '../queryScope.js';
import type { ReadModels } from '../../schemas/readModels/readModels.js';
import { InvalidCursorError, decodeRowCursor, encodeRowCursor, toSafeInteger } from './rowCursor.js';

const CURSOR_PREFIX = 'sls';

const columnOf = {
  store: 'store_id',
  terminal: 'terminal_id',
  mode: 'mode',
  provider: 'provider',
} as const satisfies Record<SalesDimension, string>;

export type SalesPage = Readonly<{ items: readonly SalesSummary[]; hasMore: boolean }>;

/** A `sales_daily` row as the grouped SELECT returns it (sums over the dimensions not grouped by). */
type GroupedRow = Omit<SalesDailyTable, 'client_partner_id'>;

/** The grouping as a stable token, part of each row id, so a cursor is only reused with its grouping. */
const groupingToken = (grouped: ReadonlySet<SalesDimension>): string => salesDimensions.filter((dimension) => grouped.has(dimension)).join(',');

const sortKey = (row: GroupedRow, grouping: string): string[] => [grouping, row.business_date, row.store_id, row.terminal_id, row.mode, row.provider, row.currency];

function render(row: GroupedRow, grouped: ReadonlySet<SalesDimension>, grouping: string): SalesSummary {
  const kept = (dimension: SalesDimension, value: string): string | null => (grouped.has(dimension) && value !== '' ? value : null);
  return {
    id: encodeRowCursor(CURSOR_PREFIX, sortKey(row, grouping)),
    object: 'sales_summary',
    business_date: row.business_date,
    merchant_id: row.merchant_id,
    store_id: kept('store', row.store_id),
    terminal_id: kept('terminal', row.terminal_id),
    mode: kept('mode', row.mode) as SalesSummary['mode'],
    provider: kept('provider', row.provider),
    currency: row.currency,
    payment_count: toSafeInteger(row.payment_count),
    gross: toSafeInteger(row.gross),
    refund_count: toSafeInteger(row.refund_count),
    refunds: toSafeInteger(row.refunds),
    net: toSafeInteger(row.net),
    fees: toSafeInteger(row.fees),
  };
}

/**
 * @param merchantId the merchant to report (a partner must name one; a terminal's is its own)
 * @throws InvalidCursorError when `starting_after` is not a row id of this report and grouping
 */
export async function readSalesReport(readModels: ReadModels, scope: QueryScope, merchantId: string, query: SalesReportQuery): Promise<SalesPage> {
  const grouped = new Set<SalesDimension>(query.group_by ?? salesDimensions);
  const grouping = groupingToken(grouped);
  const after = query.starting_after === undefined ? undefined : decodeRowCursor(CURSOR_PREFIX, 7, query.starting_after);
  if (after !== undefined && after[0] !== grouping) throw new InvalidCursorError('starting_after belongs to a report with another group_by');

  const db = readModels.db.withSchema(await readModels.servingSchema(SALES_PROJECTION)).withTables<SalesTables>();
  // A kept dimension is its column; a summed one is '' (one group), in the output, the order and the cursor alike.
  const dimension = (name: SalesDimension) => (grouped.has(name) ? sql<string>`${sql.ref(columnOf[name])}` : sql<string>`''::text`);
  const total = (column: 'payment_count' | 'gross' | 'refund_count' | 'refunds' | 'fees' | 'net') => sql<string>`sum(${sql.ref(column)})::text`.as(column);

  let filtered = db
    .selectFrom('sales_daily')
    .where('client_partner_id', '=', scope.clientPartnerId)
    .where('merchant_id', '=', merchantId)
    .where('business_date', '>=', query.business_date_from)
    .where('business_date', '<=', query.business_date_to);
  if (scope.kind === 'store') filtered = filtered.where('store_id', '=', scope.storeId);
  if (query.store_id !== undefined) filtered = filtered.where('store_id', '=', query.store_id);
  if (query.terminal_id !== undefined) filtered = filtered.where('terminal_id', '=', query.terminal_id);
  if (query.mode !== undefined) filtered = filtered.where('mode', '=', query.mode);
  if (query.provider !== undefined) filtered = filtered.where('provider', '=', query.provider);
  const tuple = sql`(${dimension('store')}, ${dimension('terminal')}, ${dimension('mode')}, ${dimension('provider')}, currency)`;
  if (after !== undefined) {
    const [, date = '', store = '', terminal = '', mode = '', provider = '', currency = ''] = after;
    filtered = filtered.where('business_date', '<=', date);
    filtered = filtered.having(sql<SqlBool>`business_date < ${date} OR ${tuple} > (${store}, ${terminal}, ${mode}, ${provider}, ${currency})`);
  }
  const rows: GroupedRow[] = await filtered
    .select([
      'business_date',
      'merchant_id',
      'currency',
      dimension('store').as('store_id'),
      dimension('terminal').as('terminal_id'),
      dimension('mode').as('mode'),
      dimension('provider').as('provider'),
      total('payment_count'),
      total('gross'),
      total('refund_count'),
      total('refunds'),
      total('fees'),
      total('net'),
    ])
    .groupBy(['business_date', 'merchant_id', 'currency', ...[...grouped].map((name) => columnOf[name])])
    .orderBy('business_date', 'desc')
    .orderBy(dimension('store'))
    .orderBy(dimension('terminal'))
    .orderBy(dimension('mode'))
    .orderBy(dimension('provider'))
    .orderBy('currency')
    .limit(query.limit + 1)
    .execute();
  return { items: rows.slice(0, query.limit).map((row) => render(row, grouped, grouping)), hasMore: rows.length > query.limit };
}
