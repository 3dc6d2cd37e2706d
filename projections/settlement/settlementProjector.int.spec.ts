import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PaymentIntentCommand, PaymentIntentEvent } from '../../domain/paymentIntent/index.js';
import { settlementBatchDecider, toSettlementBatchStreamName } from '../../domain/settlement/index.js';
import type { ProviderCode } from '../../domain/tenancy/index.js';
import { projectionSandboxes, type ProjectionSandbox } from '../../test/support/projectionSandbox.js';
import { commandsFor, decideAll, intentIds, typicalIntent, ulidOf, type IntentIds } from '../integration/testing/paymentScenarios.js';
import { eventLog, splitAt, type LogItem } from '../sales/testing/eventLog.js';
import { providerConfigured, storeOpened } from '../sales/testing/tenancyEvents.js';
import { settlementProjector } from './index.js';

const sandbox = projectionSandboxes(settlementProjector);

type DayRow = Readonly<Record<string, string | number | null>>;

async function days(box: ProjectionSandbox): Promise<DayRow[]> {
  return box.query<DayRow>(
    `SELECT business_date, provider, currency, payment_count::int, gross::int, refund_count::int, refunds::int, fees::int, net::int,
            batch_id, closed_at, closed_payment_count::int, closed_gross::int, closed_refund_count::int, closed_refunds::int,
            closed_fees::int, closed_net::int
       FROM settlement_day ORDER BY client_partner_id, merchant_id, business_date, provider, currency`,
  );
}

async function dump(box: ProjectionSandbox): Promise<unknown[]> {
  return [
    await box.query('SELECT to_jsonb(d) AS row FROM settlement_day d ORDER BY client_partner_id, merchant_id, business_date, provider, currency'),
    await box.query('SELECT to_jsonb(b) AS row FROM settlement_batch b ORDER BY batch_id'),
    await box.query('SELECT to_jsonb(t) AS row FROM tenancy_store t ORDER BY store_id'),
    await box.query('SELECT to_jsonb(f) AS row FROM tenancy_provider_fees f ORDER BY config_id'),
  ];
}

let batchNumber = 0;

/** The close as the SettlementBatch decider records it. */
function closeBatch(ids: IntentIds, provider: ProviderCode, businessDate: string, now = '2025-06-10T00:00:00.000Z'): LogItem {
  batchNumber += 1;
  const [event] = settlementBatchDecider.decide(
    {
      type: 'CloseSettlementBatch',
      data: { batchId: `stb_${ulidOf(batchNumber, 5)}`, clientPartnerId: ids.clientPartnerId, merchantId: ids.merchantId, provider, businessDate, now },
    },
    settlementBatchDecider.initialState(),
  );
  return { stream: toSettlementBatchStreamName(ids.merchantId, provider, businessDate), event: event! };
}

const totals = (payment_count: number, gross: number, refund_count: number, refunds: number, fees: number) => ({
  payment_count,
  gross,
  refund_count,
  refunds,
  fees,
  net: gross - refunds - fees,
});
const open = {
  batch_id: null,
  closed_at: null,
  closed_payment_count: null,
  closed_gross: null,
  closed_refund_count: null,
  closed_refunds: null,
  closed_fees: null,
  closed_net: null,
};
const frozen = (batch: LogItem, snapshot: ReturnType<typeof totals>) => {
  const data = ('stream' in batch ? batch.event.data : {}) as { batchId: string; closedAt: string };
  return {
    batch_id: data.batchId,
    closed_at: data.closedAt,
    closed_payment_count: snapshot.payment_count,
    closed_gross: snapshot.gross,
    closed_refund_count: snapshot.refund_count,
    closed_refunds: snapshot.refunds,
    closed_fees: snapshot.fees,
    closed_net: snapshot.net,
  };
};

const noon = '2025-06-01T03:00:00.000Z'; // 12:00 JST
const lateEvening = '2025-06-01T14:00:00.000Z'; // 23:00 JST, same business date
const nextDay = '2025-06-02T03:00:00.000Z';

function tenancyFor(ids: IntentIds): LogItem[] {
  return [storeOpened(ids.storeId, ids.merchantId), providerConfigured(ids.storeId, 'card', 30_000), providerConfigured(ids.storeId, 'paypay', 16_000)];
}

const qrSaleCommands = (ids: IntentIds, at: string, amount: number): PaymentIntentCommand[] => {
  const c = commandsFor(ids, at);
  return [c.create('pgw_processed', amount), c.confirm('qr'), c.qrSucceeded(amount)];
};
const qrSale = (ids: IntentIds, at: string, amount: number) => decideAll(qrSaleCommands(ids, at, amount));
/** The events `more` adds to the history `before` of one intent. */
const continued = (before: readonly PaymentIntentCommand[], more: readonly PaymentIntentCommand[]) => decideAll([...before, ...more]).slice(decideAll(before).length);
const cardSale = (ids: IntentIds, at: string, amount: number) => {
  const c = commandsFor(ids, at);
  return decideAll([c.create('external', amount), c.confirm('card'), c.cardApproved(amount)]);
};

describe('settlement projection', () => {
  it('totals card and QR per merchant × provider × business day, net of refunds and fees; cash is not settled', async () => {
    const box = await sandbox();
    const ids = (n: number) => intentIds(n, 1);
    const cash = commandsFor(ids(3), noon);
    const qrRefund = commandsFor(ids(1), nextDay);
    await box.apply(
      eventLog([
        ...tenancyFor(ids(0)),
        ...qrSale(ids(1), noon, 10_000),
        ...continued(qrSaleCommands(ids(1), noon, 10_000), [qrRefund.refund('re_1', 3_000), qrRefund.refundSucceeded('re_1')]),
        ...cardSale(ids(2), noon, 5_000),
        ...decideAll([cash.create('manual', 800), cash.payCash(1_000)]),
      ]),
    );
    expect(await days(box)).toEqual([
      { business_date: '2025-06-01', provider: 'card', currency: 'JPY', ...totals(1, 5_000, 0, 0, 165), ...open },
      { business_date: '2025-06-01', provider: 'paypay', currency: 'JPY', ...totals(1, 10_000, 0, 0, 176), ...open },
      { business_date: '2025-06-02', provider: 'paypay', currency: 'JPY', ...totals(0, 0, 1, 3_000, 0), ...open },
    ]);
  });

  it('freezes the totals at the close; later events of that day (in log order) show as adjustments after close', async () => {
    const box = await sandbox();
    const ids = (n: number) => intentIds(n, 2);
    const close = closeBatch(ids(0), 'paypay', '2025-06-01');
    const lateRefund = commandsFor(ids(1), lateEvening);
    await box.apply(eventLog([...tenancyFor(ids(0)), ...qrSale(ids(1), noon, 10_000), ...cardSale(ids(2), noon, 5_000)]));
    // The close and what follows it arrive in one batch: order inside the batch decides.
    await box.apply(
      eventLog([
        ...qrSale(ids(3), noon, 2_000),
        close,
        ...continued(qrSaleCommands(ids(1), noon, 10_000), [lateRefund.refund('re_1', 3_000), lateRefund.refundSucceeded('re_1')]),
        ...qrSale(ids(4), lateEvening, 1_000),
      ]),
    );
    const snapshot = totals(2, 12_000, 0, 0, 176 + 35);
    expect(await days(box)).toEqual([
      { business_date: '2025-06-01', provider: 'card', currency: 'JPY', ...totals(1, 5_000, 0, 0, 165), ...open },
      { business_date: '2025-06-01', provider: 'paypay', currency: 'JPY', ...totals(3, 13_000, 1, 3_000, 176 + 35 + 18), ...frozen(close, snapshot) },
    ]);
    const [batch] = await box.query('SELECT batch_id, provider, business_date, closed_at FROM settlement_batch');
    expect(batch).toEqual({ batch_id: frozen(close, snapshot).batch_id, provider: 'paypay', business_date: '2025-06-01', closed_at: '2025-06-10T00:00:00.000Z' });
  });

  it('records the close of a day with no sales; a sale placed on it later starts closed with a zero snapshot', async () => {
    const box = await sandbox();
    const ids = (n: number) => intentIds(n, 3);
    const close = closeBatch(ids(0), 'card', '2025-06-01');
    const secondClose = closeBatch(ids(0), 'card', '2025-06-01'); // another batch id: the projection keeps the first close
    await box.apply(eventLog([...tenancyFor(ids(0)), close]));
    expect(await days(box)).toEqual([]);
    expect(await box.query('SELECT count(*)::int AS n FROM settlement_batch')).toEqual([{ n: 1 }]);
    await box.apply(eventLog([...cardSale(ids(1), noon, 1_000), secondClose]));
    expect(await days(box)).toEqual([{ business_date: '2025-06-01', provider: 'card', currency: 'JPY', ...totals(1, 1_000, 0, 0, 33), ...frozen(close, totals(0, 0, 0, 0, 0)) }]);
  });

  it('gives identical tables for any split of the log into batches, closes included', async () => {
    const whole = await sandbox();
    const split = await sandbox();
    const busy = intentIds(0, 9);
    const dates = ['2025-06-01', '2025-06-02'];
    const closes = fc.array(fc.record({ at: fc.integer({ min: 0, max: 1000 }), provider: fc.constantFrom<ProviderCode>('card', 'paypay'), date: fc.constantFrom(...dates) }), {
      maxLength: 4,
    });
    const permille = fc.integer({ min: 0, max: 1000 });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 5, max: 30 }), closes, fc.array(permille, { minLength: 1, maxLength: 6 }), async (intents, drawnCloses, cutsPermille) => {
        const perIntent: PaymentIntentEvent[][] = Array.from({ length: intents }, (_, n) => typicalIntent(n, n % 2 === 0 ? noon : nextDay, 9));
        const payments: LogItem[] = perIntent.flat();
        const seen = new Set<string>();
        for (const { at, provider, date } of drawnCloses) {
          if (seen.has(`${provider}|${date}`)) continue;
          seen.add(`${provider}|${date}`);
          payments.splice(Math.floor((at * payments.length) / 1000), 0, closeBatch(busy, provider, date));
        }
        const events = eventLog([...tenancyFor(busy), ...payments]);
        const cuts = cutsPermille.map((cut) => Math.floor((cut * events.length) / 1000));
        for (const box of [whole, split]) await box.query('TRUNCATE settlement_day, settlement_batch, tenancy_store, tenancy_provider_fees');
        await whole.apply(events);
        for (const batch of splitAt(events, cuts)) await split.apply(batch);
        expect(await dump(split)).toEqual(await dump(whole));
      }),
      { numRuns: 8 },
    );
  });
});
