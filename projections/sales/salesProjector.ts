/**
 * Projection `sales`: takings by business day (ARCHITECTURE.md §7, payments.md §5.5), one row per
 * business_date × client partner × merchant × store × terminal × mode × provider × currency.
 *
 * Per row: `payment_count` and `gross` (completed payments), `refund_count` and `refunds`
 * (succeeded refunds, on the refund's own business date), `net = gross − refunds`, and `fees`
 * (MDR + consumption tax accrued on the payments) reported beside net, not inside it. Which events
 * count, and the fees, are `moneyMovementOf`'s rules. `provider` is who settles the money: `card`
 * for card payments, the QR provider's code, or '' (NO_PROVIDER) for cash — never null, so it can
 * be part of the primary key.
 *
 * A batch is applied with one upsert of per-row deltas, aggregated in memory, plus the tenancy
 * reference's own reads and writes. Deltas are safe because the runtime applies each batch exactly
 * once, with its checkpoint, in one transaction; and they commute, so any split of the log into
 * batches gives the same rows.
 */
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import { PAYMENT_LOG_FILTER } from '../runtime/paymentLog.js';
import type { Projector, ProjectionSql } from '../runtime/projector.js';
import { TenancyReference, tenancyReferenceTables } from '../tenancyReference/index.js';
import { moneyMovementOf, type MoneyMovement } from './moneyMovement.js';

import { SALES_PROJECTION } from '../../schemas/readModels/sales.js';

export { SALES_PROJECTION, type SalesDailyTable, type SalesTables } from '../../schemas/readModels/sales.js';

const salesTables: readonly string[] = [
  `CREATE TABLE sales_daily (
     business_date     text   NOT NULL CHECK (business_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
     client_partner_id text   NOT NULL,
     merchant_id       text   NOT NULL,
     store_id          text   NOT NULL,
     terminal_id       text   NOT NULL,
     mode              text   NOT NULL,
     provider          text   NOT NULL,
     currency          text   NOT NULL,
     payment_count     bigint NOT NULL CHECK (payment_count >= 0),
     gross             bigint NOT NULL CHECK (gross >= 0),
     refund_count      bigint NOT NULL CHECK (refund_count >= 0),
     refunds           bigint NOT NULL CHECK (refunds >= 0),
     fees              bigint NOT NULL CHECK (fees >= 0),
     net               bigint NOT NULL,
     PRIMARY KEY (client_partner_id, merchant_id, business_date, store_id, terminal_id, mode, provider, currency)
   )`,
];

type SalesDelta = {
  business_date: string;
  client_partner_id: string;
  merchant_id: string;
  store_id: string;
  terminal_id: string;
  mode: string;
  provider: string;
  currency: string;
  payment_count: number;
  gross: number;
  refund_count: number;
  refunds: number;
  fees: number;
  net: number;
};

const rowKey = (m: MoneyMovement): string => [m.clientPartnerId, m.merchantId, m.businessDate, m.storeId, m.terminalId, m.mode, m.provider, m.currency].join('\t');

function addMovement(deltas: Map<string, SalesDelta>, movement: MoneyMovement): void {
  const key = rowKey(movement);
  let delta = deltas.get(key);
  if (delta === undefined) {
    delta = {
      business_date: movement.businessDate,
      client_partner_id: movement.clientPartnerId,
      merchant_id: movement.merchantId,
      store_id: movement.storeId,
      terminal_id: movement.terminalId,
      mode: movement.mode,
      provider: movement.provider,
      currency: movement.currency,
      payment_count: 0,
      gross: 0,
      refund_count: 0,
      refunds: 0,
      fees: 0,
      net: 0,
    };
    deltas.set(key, delta);
  }
  if (movement.kind === 'payment') {
    delta.payment_count += 1;
    delta.gross += movement.amountMinor;
    delta.fees += movement.feeMinor;
    delta.net += movement.amountMinor;
  } else {
    delta.refund_count += 1;
    delta.refunds += movement.amountMinor;
    delta.net -= movement.amountMinor;
  }
}

const UPSERT_DELTAS = `
  INSERT INTO sales_daily AS t (business_date, client_partner_id, merchant_id, store_id, terminal_id, mode, provider, currency,
                                payment_count, gross, refund_count, refunds, fees, net)
  SELECT business_date, client_partner_id, merchant_id, store_id, terminal_id, mode, provider, currency,
         payment_count, gross, refund_count, refunds, fees, net
    FROM jsonb_to_recordset($1::jsonb) AS r(business_date text, client_partner_id text, merchant_id text, store_id text,
         terminal_id text, mode text, provider text, currency text, payment_count bigint, gross bigint,
         refund_count bigint, refunds bigint, fees bigint, net bigint)
  ON CONFLICT (client_partner_id, merchant_id, business_date, store_id, terminal_id, mode, provider, currency) DO UPDATE SET
    payment_count = t.payment_count + EXCLUDED.payment_count,
    gross         = t.gross + EXCLUDED.gross,
    refund_count  = t.refund_count + EXCLUDED.refund_count,
    refunds       = t.refunds + EXCLUDED.refunds,
    fees          = t.fees + EXCLUDED.fees,
    net           = t.net + EXCLUDED.net`;

async function applySales(sql: ProjectionSql, events: readonly RecordedEvent[]): Promise<void> {
  const reference = await TenancyReference.load(sql, events);
  const deltas = new Map<string, SalesDelta>();
  for (const event of events) {
    reference.observe(event);
    const movement = moneyMovementOf(event, reference);
    if (movement !== undefined) addMovement(deltas, movement);
  }
  if (deltas.size > 0) await sql.query(UPSERT_DELTAS, [JSON.stringify([...deltas.values()])]);
  await reference.save(sql);
}

export const salesProjector: Projector = Object.freeze({
  name: SALES_PROJECTION,
  version: 2,
  tables: [...salesTables, ...tenancyReferenceTables],
  filter: PAYMENT_LOG_FILTER,
  apply: applySales,
});
