/** The settlement read model's contract: projection name and row types (bigint as decimal strings, dates as 'YYYY-MM-DD'), shared by projections/settlement and query/settlement. */
export const SETTLEMENT_PROJECTION = 'settlement';

export type SettlementDayTable = {
  client_partner_id: string;
  merchant_id: string;
  business_date: string;
  provider: string;
  currency: string;
  payment_count: string;
  gross: string;
  refund_count: string;
  refunds: string;
  fees: string;
  net: string;
  batch_id: string | null;
  closed_at: string | null;
  closed_payment_count: string | null;
  closed_gross: string | null;
  closed_refund_count: string | null;
  closed_refunds: string | null;
  closed_fees: string | null;
  closed_net: string | null;
};

export type SettlementBatchTable = {
  batch_id: string;
  client_partner_id: string;
  merchant_id: string;
  provider: string;
  business_date: string;
  closed_at: string;
};

/** The Kysely database of this projection: `readModels.db.withSchema(…).withTables<SettlementTables>()`. */
export type SettlementTables = { settlement_day: SettlementDayTable; settlement_batch: SettlementBatchTable };
