import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PaymentIntentEvent } from '../../domain/paymentIntent/index.js';
import { run, scenarios } from '../../domain/paymentIntent/testing/commandSequences.js';
import { projectionSandboxes, type ProjectionSandbox } from '../../test/support/projectionSandbox.js';
import { commandsFor, decideAll, intentIds, typicalIntent } from '../integration/testing/paymentScenarios.js';
import { salesProjector } from './index.js';
import { eventLog, splitAt, type LogItem } from './testing/eventLog.js';
import { feesUpdated, providerConfigured, storeOpened } from './testing/tenancyEvents.js';

const sandbox = projectionSandboxes(salesProjector);

type SalesRow = Readonly<{
  business_date: string;
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
}>;

async function salesRows(box: ProjectionSandbox): Promise<SalesRow[]> {
  return box.query<SalesRow>(
    `SELECT business_date, store_id, terminal_id, mode, provider, currency, payment_count::int, gross::int,
            refund_count::int, refunds::int, fees::int, net::int
       FROM sales_daily ORDER BY business_date, store_id, terminal_id, mode, provider, currency`,
  );
}

async function dump(box: ProjectionSandbox): Promise<unknown[]> {
  const sales = await box.query(
    `SELECT to_jsonb(s) AS row FROM sales_daily s
      ORDER BY client_partner_id, merchant_id, business_date, store_id, terminal_id, mode, provider, currency`,
  );
  const stores = await box.query('SELECT to_jsonb(t) AS row FROM tenancy_store t ORDER BY store_id');
  const fees = await box.query('SELECT to_jsonb(f) AS row FROM tenancy_provider_fees f ORDER BY config_id');
  return [sales, stores, fees];
}

const row = (fields: Partial<SalesRow> & Pick<SalesRow, 'business_date' | 'mode' | 'provider'>, ids = intentIds(0)): SalesRow => ({
  store_id: ids.storeId,
  terminal_id: ids.terminalId,
  currency: 'JPY',
  payment_count: 0,
  gross: 0,
  refund_count: 0,
  refunds: 0,
  fees: 0,
  net: 0,
  ...fields,
});

/** Interleaves the intents' events one by one, each intent's in its own order. */
function roundRobin<T>(lists: readonly (readonly T[])[]): T[] {
  const merged: T[] = [];
  for (let index = 0; merged.length < lists.reduce((sum, list) => sum + list.length, 0); index += 1) {
    for (const list of lists) if (index < list.length) merged.push(list[index]!);
  }
  return merged;
}

const noon = '2025-06-01T03:00:00.000Z'; // 12:00 JST, business date 2025-06-01 at any cut-off before noon
const expiresLater = '2025-06-05T00:00:00.000Z';

describe('sales projection', () => {
  it('counts every mode once, on completion: cash, card, QR, partial capture; holds, declines, cancels and late successes are not sales', async () => {
    const box = await sandbox();
    const ids = (n: number) => intentIds(n);
    const { storeId, merchantId } = ids(0);
    const c = (n: number) => commandsFor(ids(n), noon);
    const payments: PaymentIntentEvent[] = [
      ...decideAll([c(1).create('manual', 1100), c(1).payCash(5000)]),
      ...decideAll([c(2).create('external', 10_000), c(2).confirm('card'), c(2).cardApproved(10_000)]),
      ...decideAll([c(3).create('pgw_processed', 10_000), c(3).confirm('qr'), c(3).qrSucceeded(10_000)]),
      ...decideAll([
        c(4).create('external', 10_000, { captureMethod: 'manual' }),
        c(4).confirm('card'),
        c(4).cardApproved(10_000, 'att_1', 'visa', expiresLater),
        c(4).capture(8_000),
      ]),
      ...decideAll([c(5).create('external', 5_000), c(5).confirm('card'), c(5).cardDeclined(), c(5).confirm('card', 'att_2'), c(5).cardApproved(5_000, 'att_2')]),
      ...decideAll([c(6).create('manual', 700), c(6).cancel()]),
      ...decideAll([c(7).create('pgw_processed', 900), c(7).confirm('qr'), c(7).cancel(), c(7).qrSucceeded(900)]),
      ...decideAll([c(8).create('external', 2_000, { captureMethod: 'manual' }), c(8).confirm('card'), c(8).cardApproved(2_000, 'att_1', 'visa', expiresLater)]),
    ];
    expect(payments.map((event) => event.type)).toContain('PaymentAttemptSucceededAfterCancel');
    await box.apply(eventLog([storeOpened(storeId, merchantId), providerConfigured(storeId, 'card', 30_000), providerConfigured(storeId, 'paypay', 16_000), ...payments]));
    const date = '2025-06-01';
    expect(await salesRows(box)).toEqual([
      row({ business_date: date, mode: 'external', provider: 'card', payment_count: 3, gross: 23_000, net: 23_000, fees: 330 + 264 + 165 }),
      row({ business_date: date, mode: 'manual', provider: '', payment_count: 1, gross: 1_100, net: 1_100 }),
      row({ business_date: date, mode: 'pgw_processed', provider: 'paypay', payment_count: 1, gross: 10_000, net: 10_000, fees: 176 }),
    ]);
  });

  it('counts a refund on its own business date, against the intent; pending and failed refunds count nothing', async () => {
    const box = await sandbox();
    const ids = intentIds(11);
    const qrIds = intentIds(12);
    const day1 = commandsFor(ids, noon);
    const day3 = commandsFor(ids, '2025-06-03T03:00:00.000Z');
    const qr1 = commandsFor(qrIds, noon);
    const qr2 = commandsFor(qrIds, '2025-06-02T03:00:00.000Z');
    const qr4 = commandsFor(qrIds, '2025-06-04T03:00:00.000Z');
    const cash = decideAll([day1.create('manual', 1_500), day1.payCash(2_000), day3.refund('re_1', 300), day3.refund('re_2', 200)]);
    const qrEvents = decideAll([
      qr1.create('pgw_processed', 4_000),
      qr1.confirm('qr'),
      qr1.qrSucceeded(4_000),
      qr2.refund('re_q1', 1_000),
      qr2.refund('re_q2', 500),
      qr4.refundSucceeded('re_q1'),
      {
        type: 'ReportRefundResult',
        data: { paymentIntentId: qrIds.paymentIntentId, now: '2025-06-04T03:00:00.000Z', refundId: 're_q2', result: { outcome: 'failed', failureReason: 'declined' } },
      },
    ]);
    expect(qrEvents.map((event) => event.type)).toContain('RefundFailed');
    await box.apply(eventLog([...cash, ...qrEvents]));
    expect(await salesRows(box)).toEqual([
      row({ business_date: '2025-06-01', mode: 'manual', provider: '', payment_count: 1, gross: 1_500, net: 1_500 }, ids),
      row({ business_date: '2025-06-01', mode: 'pgw_processed', provider: 'paypay', payment_count: 1, gross: 4_000, net: 4_000 }, qrIds),
      row({ business_date: '2025-06-03', mode: 'manual', provider: '', refund_count: 2, refunds: 500, net: -500 }, ids),
      row({ business_date: '2025-06-04', mode: 'pgw_processed', provider: 'paypay', refund_count: 1, refunds: 1_000, net: -1_000 }, qrIds),
    ]);
  });

  it("places a sale by the store's cut-off: 02:30 local with a 04:00 cut-off is the previous business date", async () => {
    const box = await sandbox();
    const late = intentIds(21, 2);
    const early = intentIds(22, 2);
    const unknownStore = intentIds(23, 3);
    const at0230 = '2025-06-01T17:30:00.000Z'; // 02:30 JST on 2025-06-02
    const at0400 = '2025-06-01T19:00:00.000Z'; // 04:00 JST on 2025-06-02
    const sale = (ids: typeof late, at: string) => {
      const c = commandsFor(ids, at);
      return decideAll([c.create('manual', 1_000), c.payCash(1_000)]);
    };
    await box.apply(eventLog([storeOpened(late.storeId, late.merchantId, 'Asia/Tokyo', 240), ...sale(late, at0230), ...sale(early, at0400), ...sale(unknownStore, at0230)]));
    const placed = (await salesRows(box)).map(({ business_date, store_id, payment_count }) => ({ business_date, store_id, payment_count }));
    expect(placed).toEqual([
      { business_date: '2025-06-01', store_id: late.storeId, payment_count: 1 },
      { business_date: '2025-06-02', store_id: late.storeId, payment_count: 1 },
      // A store the log never opened: Asia/Tokyo, cut-off 00:00.
      { business_date: '2025-06-02', store_id: unknownStore.storeId, payment_count: 1 },
    ]);
  });

  it('takes fees from the configuration in the log, and a fee change applies only to later sales (across batches too)', async () => {
    const box = await sandbox();
    const base = intentIds(30, 4);
    const qrSale = (n: number, amount: number) => {
      const c = commandsFor(intentIds(n, 4), noon);
      return decideAll([c.create('pgw_processed', amount), c.confirm('qr'), c.qrSucceeded(amount)]);
    };
    const first: LogItem[] = [
      storeOpened(base.storeId, base.merchantId),
      ...qrSale(31, 10_000), // before any configuration: no fee
      providerConfigured(base.storeId, 'paypay', 16_000, 10),
      ...qrSale(32, 10_000), // 160 + 10 = 170, tax 17 → 187
      feesUpdated(base.storeId, 'paypay', 30_000, 0),
    ];
    await box.apply(eventLog(first));
    await box.apply(eventLog(qrSale(33, 10_000))); // 300, tax 30 → 330, in a later batch
    const [only] = await salesRows(box);
    expect(only).toMatchObject({ provider: 'paypay', payment_count: 3, gross: 30_000, fees: 187 + 330, net: 30_000 });
  });

  it('gives identical tables for any split of the log into batches', async () => {
    const whole = await sandbox();
    const split = await sandbox();
    const busy = intentIds(0, 9);
    const tenancy: LogItem[] = [
      storeOpened('str_01', 'mer_01', 'Asia/Tokyo', 240),
      storeOpened(busy.storeId, busy.merchantId, 'Asia/Tokyo', 240),
      ...['str_01', busy.storeId].flatMap((storeId) => [providerConfigured(storeId, 'card', 32_400, 5), providerConfigured(storeId, 'paypay', 16_000)]),
    ];
    const histories = fc.array(scenarios, { minLength: 1, maxLength: 6 });
    const permille = fc.integer({ min: 0, max: 1000 });
    await fc.assert(
      fc.asyncProperty(
        histories,
        fc.integer({ min: 5, max: 25 }),
        fc.array(permille, { minLength: 1, maxLength: 6 }),
        permille,
        async (drawn, busyIntents, cutsPermille, feeChangePermille) => {
          // Random histories of single intents (every path, sparse) and a busy day at one store (dense rows).
          const intents = [
            ...drawn.map((scenario, index) => run(scenario).events.map((event) => ({ ...event, data: { ...event.data, paymentIntentId: `pi_${index}` } }) as PaymentIntentEvent)),
            ...Array.from({ length: busyIntents }, (_, n) => typicalIntent(n, noon, 9)),
          ];
          const payments = roundRobin(intents);
          const items: LogItem[] = [...tenancy, ...payments];
          items.splice(tenancy.length + Math.floor((feeChangePermille * payments.length) / 1000), 0, feesUpdated(busy.storeId, 'paypay', 19_800, 1));
          const events = eventLog(items);
          const cuts = cutsPermille.map((cut) => Math.floor((cut * events.length) / 1000));
          for (const box of [whole, split]) await box.query('TRUNCATE sales_daily, tenancy_store, tenancy_provider_fees');
          await whole.apply(events);
          for (const batch of splitAt(events, cuts)) await split.apply(batch);
          expect(await dump(split)).toEqual(await dump(whole));
          const grossExpected = payments.reduce((sum, event) => {
            if (event.type === 'CashPaymentReceived' || event.type === 'PaymentAttemptSucceeded') return sum + event.data.amount.amountMinor;
            if (event.type === 'PaymentIntentCaptured') return sum + event.data.amountCaptured.amountMinor;
            return sum;
          }, 0);
          const [totals] = await split.query<{ gross: number }>('SELECT coalesce(sum(gross), 0)::int AS gross FROM sales_daily');
          expect(totals?.gross).toBe(grossExpected);
        },
      ),
      { numRuns: 12 },
    );
  });
});
