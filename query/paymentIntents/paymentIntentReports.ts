/**
 * The SELECTs of the payment intent reports over the `payment_intents` read model: every one is
 * scoped to the caller's tenant (another tenant's intent does not exist here), and lists walk the
 * newest-first key `(created_at DESC, id DESC)` from a cursor.
 */
import type { ExpressionBuilder, Expression, Kysely, SqlBool } from 'kysely';
import type { ExistingPaymentIntent } from '../../domain/paymentIntent/index.js';
import { PAYMENT_INTENTS_PROJECTION, type PaymentIntentTables } from '../../schemas/readModels/paymentIntents.js';
import { renderPaymentIntent } from '../../schemas/paymentIntentRepresentation.js';
import type { ListPaymentIntentReportsQuery, PaymentIntentReport } from '../../schemas/paymentIntentQuery.js';
import type { QueryScope } from '../queryScope.js';
import type { ReadModels } from '../../schemas/readModels/readModels.js';
import { createdWindowOfBusinessDates } from '../../domain/businessDay/index.js';

type Db = Kysely<Record<string, never> & PaymentIntentTables>;
type Where = ExpressionBuilder<PaymentIntentTables, 'payment_intents'>;

/** The cursor names no intent the caller can see. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

export type ReportPage = Readonly<{ items: readonly PaymentIntentReport[]; hasMore: boolean }>;

async function servingDb(readModels: ReadModels): Promise<Db> {
  const schema = await readModels.servingSchema(PAYMENT_INTENTS_PROJECTION);
  return readModels.db.withSchema(schema).withTables<PaymentIntentTables>();
}

function inScope(eb: Where, scope: QueryScope): Expression<SqlBool> {
  switch (scope.kind) {
    case 'client_partner':
      return eb('client_partner_id', '=', scope.clientPartnerId);
    case 'merchant':
      return eb.and([eb('client_partner_id', '=', scope.clientPartnerId), eb('merchant_id', '=', scope.merchantId)]);
    case 'store':
      return eb.and([eb('client_partner_id', '=', scope.clientPartnerId), eb('merchant_id', '=', scope.merchantId), eb('store_id', '=', scope.storeId)]);
  }
}

function matchingFilters(eb: Where, query: ListPaymentIntentReportsQuery): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (query.merchant_id !== undefined) conditions.push(eb('merchant_id', '=', query.merchant_id));
  if (query.store_id !== undefined) conditions.push(eb('store_id', '=', query.store_id));
  if (query.terminal_id !== undefined) conditions.push(eb('terminal_id', '=', query.terminal_id));
  if (query.status !== undefined) conditions.push(eb('status', 'in', query.status));
  if (query.mode !== undefined) conditions.push(eb('mode', '=', query.mode));
  if (query.provider !== undefined) conditions.push(eb('provider', '=', query.provider));
  if (query.business_date_from !== undefined) conditions.push(eb('business_date', '>=', query.business_date_from));
  if (query.business_date_to !== undefined) conditions.push(eb('business_date', '<=', query.business_date_to));
  const window = createdWindowOfBusinessDates(query.business_date_from, query.business_date_to);
  if (window.createdFrom !== undefined) conditions.push(eb('created_at', '>=', window.createdFrom));
  if (window.createdBefore !== undefined) conditions.push(eb('created_at', '<', window.createdBefore));
  if (query.created_from !== undefined) conditions.push(eb('created_at', '>=', new Date(query.created_from)));
  if (query.created_to !== undefined) conditions.push(eb('created_at', '<=', new Date(query.created_to)));
  return eb.and(conditions);
}

/** The representation `GET /v1/payment_intents/:id` returns (the same render of the same state), plus the business date. */
const toReport = (row: { state: ExistingPaymentIntent; business_date: string }): PaymentIntentReport => ({
  ...renderPaymentIntent(row.state),
  business_date: row.business_date,
});

/** One intent the caller may see, or undefined. */
export async function findPaymentIntentReport(readModels: ReadModels, scope: QueryScope, paymentIntentId: string): Promise<PaymentIntentReport | undefined> {
  const db = await servingDb(readModels);
  const row = await db
    .selectFrom('payment_intents')
    .select(['state', 'business_date'])
    .where((eb) => eb.and([eb('id', '=', paymentIntentId), inScope(eb, scope)]))
    .executeTakeFirst();
  return row === undefined ? undefined : toReport(row);
}

/**
 * A page of the intents the caller may see that match `query`, newest first, after the cursor
 * intent if one is given. Throws `InvalidCursorError` when the cursor is not a visible intent.
 */
export async function listPaymentIntentReports(readModels: ReadModels, scope: QueryScope, query: ListPaymentIntentReportsQuery): Promise<ReportPage> {
  const db = await servingDb(readModels);
  const cursor = query.starting_after;
  if (cursor !== undefined) {
    const visible = await db
      .selectFrom('payment_intents')
      .select('id')
      .where((eb) => eb.and([eb('id', '=', cursor), inScope(eb, scope)]))
      .executeTakeFirst();
    if (visible === undefined) throw new InvalidCursorError(`starting_after ${cursor} is not a payment intent of this caller`);
  }
  const rows = await db
    .selectFrom('payment_intents')
    .select(['state', 'business_date'])
    .where((eb) => {
      const conditions = [inScope(eb, scope), matchingFilters(eb, query)];
      if (cursor !== undefined) {
        const cursorKey = eb.selectFrom('payment_intents').select(['created_at', 'id']).where('id', '=', cursor).$asTuple('created_at', 'id');
        conditions.push(eb(eb.refTuple('created_at', 'id'), '<', cursorKey));
      }
      return eb.and(conditions);
    })
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return { items: rows.slice(0, query.limit).map(toReport), hasMore: rows.length > query.limit };
}
