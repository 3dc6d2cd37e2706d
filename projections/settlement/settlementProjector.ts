/**
 * Projection `settlement`: what each provider owes each merchant per business day (payments.md
 * §5.2), and the batch closes (`SettlementBatchClosed`, domain/settlement). Cash is not settled.
 * The rules are `SettlementWorkingSet`'s; the placement of a payment or refund (business date,
 * provider, fee) is `moneyMovementOf`'s, shared with the sales projection.
 *
 * Per batch of events: the tenancy reference's reads, one read of the day rows and one of the
 * batches the events touch, the changes computed in memory in log order, then one upsert of the
 * changed rows, one insert of the new batches and the reference's writes. Rows are written whole
 * (not as deltas), because a close freezes the totals as they stand at its place in the log.
 */
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import { settlementBatchCodec } from '../../schemas/events/index.js';
import { PAYMENT_LOG_FILTER } from '../runtime/paymentLog.js';
import type { Projector, ProjectionSql } from '../runtime/projector.js';
import { NO_PROVIDER, moneyMovementOf } from '../sales/index.js';
import { TenancyReference, tenancyReferenceTables } from '../tenancyReference/index.js';
import { SettlementWorkingSet, dayKeyOf, dayKeyText, type DayKey, type SettlementAction, type SettlementDay, type Totals } from './settlementLedger.js';
import { settlementTables, type SettlementBatchTable, type SettlementDayTable } from './settlementTables.js';

import { SETTLEMENT_PROJECTION } from '../../schemas/readModels/settlement.js';

export { SETTLEMENT_PROJECTION };
/** The close of a SettlementBatch stream's event (decoded: one the codec cannot read throws and is parked). */
function closeActionOf(event: RecordedEvent): SettlementAction | undefined {
  if (!settlementBatchCodec.owns(event.stream)) return undefined;
  const { data } = settlementBatchCodec.decode(event);
  return {
    kind: 'close',
    batch: {
      client_partner_id: data.clientPartnerId,
      merchant_id: data.merchantId,
      business_date: data.businessDate,
      provider: data.provider,
      batch_id: data.batchId,
      closed_at: data.closedAt,
    },
  };
}

function actionsOf(events: readonly RecordedEvent[], reference: TenancyReference): SettlementAction[] {
  const actions: SettlementAction[] = [];
  for (const event of events) {
    reference.observe(event);
    const close = closeActionOf(event);
    if (close !== undefined) {
      actions.push(close);
      continue;
    }
    const movement = moneyMovementOf(event, reference);
    if (movement !== undefined && movement.provider !== NO_PROVIDER) actions.push({ kind: 'movement', movement });
  }
  return actions;
}

type DayRow = SettlementDayTable;
type BatchRow = SettlementBatchTable;

const KEYS_JOIN = `JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(client_partner_id, merchant_id, business_date, provider)
  USING (client_partner_id, merchant_id, business_date, provider)`;

const SELECT_DAYS = `
  SELECT client_partner_id, merchant_id, business_date, provider, currency,
         payment_count::text, gross::text, refund_count::text, refunds::text, fees::text, net::text, batch_id, closed_at,
         closed_payment_count::text, closed_gross::text, closed_refund_count::text, closed_refunds::text, closed_fees::text, closed_net::text
    FROM settlement_day ${KEYS_JOIN}`;

const SELECT_BATCHES = `
  SELECT batch_id, client_partner_id, merchant_id, provider, business_date, closed_at FROM settlement_batch ${KEYS_JOIN}`;

const UPSERT_DAYS = `
  INSERT INTO settlement_day (client_partner_id, merchant_id, business_date, provider, currency,
    payment_count, gross, refund_count, refunds, fees, net, batch_id, closed_at,
    closed_payment_count, closed_gross, closed_refund_count, closed_refunds, closed_fees, closed_net)
  SELECT client_partner_id, merchant_id, business_date, provider, currency,
         payment_count, gross, refund_count, refunds, fees, net, batch_id, closed_at,
         closed_payment_count, closed_gross, closed_refund_count, closed_refunds, closed_fees, closed_net
    FROM jsonb_to_recordset($1::jsonb) AS r(client_partner_id text, merchant_id text, business_date text, provider text,
         currency text, payment_count bigint, gross bigint, refund_count bigint, refunds bigint, fees bigint, net bigint,
         batch_id text, closed_at text, closed_payment_count bigint, closed_gross bigint, closed_refund_count bigint,
         closed_refunds bigint, closed_fees bigint, closed_net bigint)
  ON CONFLICT (client_partner_id, merchant_id, business_date, provider, currency) DO UPDATE SET
    payment_count = EXCLUDED.payment_count, gross = EXCLUDED.gross, refund_count = EXCLUDED.refund_count,
    refunds = EXCLUDED.refunds, fees = EXCLUDED.fees, net = EXCLUDED.net, batch_id = EXCLUDED.batch_id,
    closed_at = EXCLUDED.closed_at, closed_payment_count = EXCLUDED.closed_payment_count,
    closed_gross = EXCLUDED.closed_gross, closed_refund_count = EXCLUDED.closed_refund_count,
    closed_refunds = EXCLUDED.closed_refunds, closed_fees = EXCLUDED.closed_fees, closed_net = EXCLUDED.closed_net`;

const INSERT_BATCHES = `
  INSERT INTO settlement_batch (batch_id, client_partner_id, merchant_id, provider, business_date, closed_at)
  SELECT batch_id, client_partner_id, merchant_id, provider, business_date, closed_at
    FROM jsonb_to_recordset($1::jsonb) AS r(batch_id text, client_partner_id text, merchant_id text, provider text,
         business_date text, closed_at text)
  ON CONFLICT DO NOTHING`;

function totalsOf(row: DayRow, prefix: '' | 'closed_'): Totals | null {
  const read = (column: keyof Totals): string | null => row[`${prefix}${column}`];
  const net = read('net');
  if (net === null) return null;
  return {
    payment_count: Number(read('payment_count')),
    gross: Number(read('gross')),
    refund_count: Number(read('refund_count')),
    refunds: Number(read('refunds')),
    fees: Number(read('fees')),
    net: Number(net),
  };
}

function dayFromRow(row: DayRow): SettlementDay {
  const { client_partner_id, merchant_id, business_date, provider, currency, batch_id, closed_at } = row;
  const live = totalsOf(row, '') ?? { payment_count: 0, gross: 0, refund_count: 0, refunds: 0, fees: 0, net: 0 };
  return { client_partner_id, merchant_id, business_date, provider, currency, live, batch_id, closed_at, at_close: totalsOf(row, 'closed_') };
}

function rowOfDay(day: SettlementDay): Record<string, string | number | null> {
  const { client_partner_id, merchant_id, business_date, provider, currency, batch_id, closed_at, live, at_close } = day;
  return {
    client_partner_id,
    merchant_id,
    business_date,
    provider,
    currency,
    ...live,
    batch_id,
    closed_at,
    closed_payment_count: at_close?.payment_count ?? null,
    closed_gross: at_close?.gross ?? null,
    closed_refund_count: at_close?.refund_count ?? null,
    closed_refunds: at_close?.refunds ?? null,
    closed_fees: at_close?.fees ?? null,
    closed_net: at_close?.net ?? null,
  };
}

function keyColumns(keys: readonly DayKey[]): string[][] {
  return [keys.map((k) => k.client_partner_id), keys.map((k) => k.merchant_id), keys.map((k) => k.business_date), keys.map((k) => k.provider)];
}

async function applySettlement(sql: ProjectionSql, events: readonly RecordedEvent[]): Promise<void> {
  const reference = await TenancyReference.load(sql, events);
  const actions = actionsOf(events, reference);
  if (actions.length > 0) {
    const keys = new Map<string, DayKey>();
    for (const action of actions) {
      const key = dayKeyOf(action);
      keys.set(dayKeyText(key), key);
    }
    const columns = keyColumns([...keys.values()]);
    const [days, batches] = await Promise.all([sql.query<DayRow>(SELECT_DAYS, columns), sql.query<BatchRow>(SELECT_BATCHES, columns)]);
    const working = new SettlementWorkingSet(days.map(dayFromRow), batches);
    for (const action of actions) working.apply(action);
    const changed = working.changed();
    const closed = working.closed();
    if (closed.length > 0) await sql.query(INSERT_BATCHES, [JSON.stringify(closed)]);
    if (changed.length > 0) await sql.query(UPSERT_DAYS, [JSON.stringify(changed.map(rowOfDay))]);
  }
  await reference.save(sql);
}

export const settlementProjector: Projector = Object.freeze({
  name: SETTLEMENT_PROJECTION,
  version: 2,
  tables: [...settlementTables, ...tenancyReferenceTables],
  filter: PAYMENT_LOG_FILTER,
  apply: applySettlement,
});
