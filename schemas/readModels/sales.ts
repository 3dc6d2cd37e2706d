/** The sales read model's contract: projection name and row types, shared by projections/sales (writer) and query/sales (reader). */
export const SALES_PROJECTION = 'sales';

/** A row of `sales_daily` as a query reads it (bigint columns arrive as decimal strings). */
export type SalesDailyTable = {
  business_date: string;
  client_partner_id: string;
  merchant_id: string;
  store_id: string;
  terminal_id: string;
  mode: string;
  provider: string;
  currency: string;
  payment_count: string;
  gross: string;
  refund_count: string;
  refunds: string;
  fees: string;
  net: string;
};

/** The Kysely database of this projection: `readModels.db.withSchema(…).withTables<SalesTables>()`. */
export type SalesTables = { sales_daily: SalesDailyTable };
