/**
 * The in-memory step of the settlement projection: the rows a batch touches, changed by its
 * actions in log order. Pure and synchronous, so the projector's SQL stays a constant number of
 * statements per batch and the rules can be read in one place:
 *
 * - a payment adds to `payment_count`, `gross` and `fees`; a refund to `refund_count` and `refunds`;
 *   `net = gross − refunds − fees` (what the provider pays out, payments.md §5.2);
 * - a close records the batch, and on every currency row of that merchant × provider × day sets
 *   `batch_id`, `closed_at` and a frozen copy of the live totals; a second close of the same day
 *   (which the decider never emits) is ignored;
 * - a movement on a closed day still updates the live totals (it shows as an adjustment after
 *   close); a currency first seen after the close starts closed with a zero snapshot.
 */
import type { MoneyMovement } from '../sales/index.js';

export type Totals = {
  payment_count: number;
  gross: number;
  refund_count: number;
  refunds: number;
  fees: number;
  net: number;
};

export type DayKey = Readonly<{ client_partner_id: string; merchant_id: string; business_date: string; provider: string }>;

export type SettlementDay = DayKey & {
  readonly currency: string;
  live: Totals;
  batch_id: string | null;
  closed_at: string | null;
  at_close: Totals | null;
};

export type SettlementBatchRecord = DayKey & Readonly<{ batch_id: string; closed_at: string }>;

export type SettlementAction = Readonly<{ kind: 'movement'; movement: MoneyMovement }> | Readonly<{ kind: 'close'; batch: SettlementBatchRecord }>;

export const zeroTotals = (): Totals => ({ payment_count: 0, gross: 0, refund_count: 0, refunds: 0, fees: 0, net: 0 });

export const dayKeyText = (key: DayKey): string => [key.client_partner_id, key.merchant_id, key.business_date, key.provider].join('\t');
const dayRowKeyText = (key: DayKey, currency: string): string => `${dayKeyText(key)}\t${currency}`;

export const dayKeyOf = (action: SettlementAction): DayKey =>
  action.kind === 'close'
    ? action.batch
    : {
        client_partner_id: action.movement.clientPartnerId,
        merchant_id: action.movement.merchantId,
        business_date: action.movement.businessDate,
        provider: action.movement.provider,
      };

function addTo(totals: Totals, movement: MoneyMovement): void {
  if (movement.kind === 'payment') {
    totals.payment_count += 1;
    totals.gross += movement.amountMinor;
    totals.fees += movement.feeMinor;
    totals.net += movement.amountMinor - movement.feeMinor;
  } else {
    totals.refund_count += 1;
    totals.refunds += movement.amountMinor;
    totals.net -= movement.amountMinor;
  }
}

/** The rows and batches one projection batch works on: loaded, changed in log order, then written. */
export class SettlementWorkingSet {
  private readonly days = new Map<string, SettlementDay>();
  private readonly daysByDayKey = new Map<string, SettlementDay[]>();
  private readonly batches = new Map<string, SettlementBatchRecord>();
  private readonly changedDays = new Set<SettlementDay>();
  private readonly newBatches: SettlementBatchRecord[] = [];

  constructor(days: readonly SettlementDay[], batches: readonly SettlementBatchRecord[]) {
    for (const day of days) this.remember(day);
    for (const batch of batches) this.batches.set(dayKeyText(batch), batch);
  }

  apply(action: SettlementAction): void {
    if (action.kind === 'close') this.close(action.batch);
    else this.move(action.movement);
  }

  /** Rows changed by `apply`, in first-change order. */
  changed(): readonly SettlementDay[] {
    return [...this.changedDays];
  }

  /** Batches closed by `apply`. */
  closed(): readonly SettlementBatchRecord[] {
    return this.newBatches;
  }

  private remember(day: SettlementDay): void {
    this.days.set(dayRowKeyText(day, day.currency), day);
    const siblings = this.daysByDayKey.get(dayKeyText(day));
    if (siblings === undefined) this.daysByDayKey.set(dayKeyText(day), [day]);
    else siblings.push(day);
  }

  private close(batch: SettlementBatchRecord): void {
    const key = dayKeyText(batch);
    if (this.batches.has(key)) return;
    this.batches.set(key, batch);
    this.newBatches.push(batch);
    for (const day of this.daysByDayKey.get(key) ?? []) {
      day.batch_id = batch.batch_id;
      day.closed_at = batch.closed_at;
      day.at_close = { ...day.live };
      this.changedDays.add(day);
    }
  }

  private move(movement: MoneyMovement): void {
    const key: DayKey = {
      client_partner_id: movement.clientPartnerId,
      merchant_id: movement.merchantId,
      business_date: movement.businessDate,
      provider: movement.provider,
    };
    let day = this.days.get(dayRowKeyText(key, movement.currency));
    if (day === undefined) {
      const batch = this.batches.get(dayKeyText(key));
      day = {
        ...key,
        currency: movement.currency,
        live: zeroTotals(),
        batch_id: batch?.batch_id ?? null,
        closed_at: batch?.closed_at ?? null,
        at_close: batch === undefined ? null : zeroTotals(),
      };
      this.remember(day);
    }
    addTo(day.live, movement);
    this.changedDays.add(day);
  }
}
