/**
 * The payment intents projector on the real PostgreSQL, through the sandbox (its own schema, one
 * transaction per batch, like the runtime): each row equals the domain fold of the same events,
 * rendered; any split of a log into batches gives identical tables; business dates follow the
 * store's schedule at that point of the log; a replayed batch changes nothing; an unreadable event
 * fails the batch whole.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import { formatPosition } from '../../domain/eventStore/index.js';
import type { ExistingPaymentIntent, PaymentIntentCommand, PaymentIntentEvent } from '../../domain/paymentIntent/index.js';
import { fold } from '../../domain/paymentIntent/index.js';
import { scenarios, run } from '../../domain/paymentIntent/testing/commandSequences.js';
import { approved, at, authorized, card, cardAuthOnly, cash, commandsFor, declined, price, qr, qrPreAuth, succeeded, yen } from '../../domain/paymentIntent/testing/fixtures.js';
import { projectionSandboxes, recorded, type ProjectionSandbox } from '../../test/support/projectionSandbox.js';
import { decideAll } from '../integration/testing/paymentScenarios.js';
import { paymentIntentsProjector, renderPaymentIntent } from './index.js';
import { UndecodableEventError } from '../../schemas/events/index.js';

type Row = {
  id: string;
  client_partner_id: string;
  merchant_id: string;
  store_id: string;
  terminal_id: string;
  mode: string;
  provider: string | null;
  status: string;
  capture_method: string;
  currency: string;
  amount: string;
  amount_received: string;
  amount_refunded: string;
  client_reference_id: string | null;
  created_at: string;
  updated_at: string;
  business_date: string;
  last_position: string;
  stream_revision: number;
  state: ExistingPaymentIntent;
};

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;
const SELECT_ROWS = `SELECT id, client_partner_id, merchant_id, store_id, terminal_id, mode, provider, status, capture_method, currency,
  amount::text AS amount, amount_received::text AS amount_received, amount_refunded::text AS amount_refunded, client_reference_id,
  ${iso('created_at')}, ${iso('updated_at')}, business_date, last_position, stream_revision, state
  FROM payment_intents ORDER BY id`;
/** Every column as text, jsonb in its canonical form: two tables are identical when these are equal. */
const DUMP = 'SELECT t::text AS row FROM payment_intents t ORDER BY id';

const sandbox = projectionSandboxes(paymentIntentsProjector);

const rowsOf = (box: ProjectionSandbox) => box.query<Row>(SELECT_ROWS);

/** The events of one fixture intent (ids `pi_01`, `str_01`), relabelled as intent `id` at store `storeId`. */
function intent(id: string, commands: readonly PaymentIntentCommand[], storeId = 'str_01'): PaymentIntentEvent[] {
  return relabel(decideAll(commands), id, storeId);
}

function relabel(events: readonly PaymentIntentEvent[], id: string, storeId = 'str_01'): PaymentIntentEvent[] {
  return events.map((event) => ({ ...event, data: { ...event.data, paymentIntentId: id, storeId } }) as PaymentIntentEvent);
}

const stream = (events: readonly PaymentIntentEvent[]) => recorded(`PaymentIntent-${events[0]!.data.paymentIntentId}`, events);

/** What the row of an intent must hold: the domain fold of its events (the columns as `renderPaymentIntent` shows them). */
function expectedRow(events: readonly PaymentIntentEvent[], businessDate: string, last: RecordedEvent) {
  const state = fold(events);
  if (state.status === 'absent') throw new Error('no intent');
  const representation = renderPaymentIntent(state);
  return {
    id: state.paymentIntentId,
    client_partner_id: state.clientPartnerId,
    merchant_id: state.merchantId,
    store_id: state.storeId,
    terminal_id: state.terminalId,
    mode: state.mode,
    provider: state.provider,
    status: state.status,
    capture_method: state.captureMethod,
    currency: 'JPY',
    amount: String(state.amount.amountMinor),
    amount_received: String(state.amountReceived.amountMinor),
    amount_refunded: String(representation.amount_refunded),
    client_reference_id: state.clientReferenceId,
    created_at: state.createdAt,
    updated_at: events.at(-1)!.data.occurredAt,
    business_date: businessDate,
    last_position: formatPosition(last.position),
    stream_revision: last.revision,
    state,
  };
}

const later = '2025-06-01T10:30:00.000Z';
const cashC = commandsFor(cash);
const cardC = commandsFor(card);
const authC = commandsFor(cardAuthOnly);
const qrC = commandsFor(qr);
const preC = commandsFor(qrPreAuth);

const byMode: Record<string, readonly PaymentIntentCommand[]> = {
  'cash, partially refunded': [cashC.create(), cashC.confirmCash(yen(2000)), cashC.refund('rf_1', yen(300))],
  'card declined then approved, fully refunded': [
    cardC.create(),
    cardC.confirm('att_1'),
    cardC.cardResult(declined, 'att_1'),
    cardC.confirm('att_2', at.t2),
    cardC.cardResult(approved(), 'att_2', at.t3),
    cardC.refund('rf_1', price, 'requested_by_customer', later),
  ],
  'card auth-only, partially captured': [authC.create(), authC.confirm(), authC.cardResult(approved(price, at.captureBefore)), authC.capture(yen(800))],
  'QR, one refund failed, one succeeded, one pending': [
    qrC.create(),
    qrC.confirm(),
    qrC.providerResult(succeeded()),
    qrC.refund('rf_1', yen(100)),
    qrC.refundResult('rf_1', { outcome: 'failed', failureReason: 'provider refused' }),
    qrC.refund('rf_2', yen(200)),
    qrC.refundResult('rf_2', { outcome: 'succeeded', providerRefundId: 'prf_2' }),
    qrC.refund('rf_3', yen(400)),
  ],
  'QR pre-auth, canceled': [preC.create(), preC.confirm(), preC.providerResult(authorized()), preC.cancel()],
  'card expired unpaid': [cardC.create(), cardC.expire('2025-06-01T11:00:00.000Z')],
  'QR success after cancel, compensated': [
    qrC.create(),
    qrC.confirm(),
    qrC.cancel(),
    qrC.providerResult(succeeded(), 'att_1', later),
    qrC.compensate('att_1', 'payment_reversed', later),
  ],
};

describe('one row per intent, equal to the domain fold of its events', () => {
  it('holds in every mode and outcome, from one batch and from one event per batch', async () => {
    const streams = Object.values(byMode).map((commands, index) => stream(intent(`pi_mode_${index}`, commands)));
    const log = streams.flat();
    const whole = await sandbox();
    await whole.apply(log);
    const eventByEvent = await sandbox();
    for (const event of log) await eventByEvent.apply([event]);

    const expected = streams.map((events) =>
      expectedRow(
        events.map((e) => ({ type: e.type, data: e.data }) as PaymentIntentEvent),
        '2025-06-01',
        events.at(-1)!,
      ),
    );
    expect(await rowsOf(whole)).toEqual(expected);
    expect(await eventByEvent.query(DUMP)).toEqual(await whole.query(DUMP));

    const statuses = Object.fromEntries(Object.keys(byMode).map((name, index) => [name, expected[index]!.status]));
    expect(statuses).toEqual({
      'cash, partially refunded': 'completed',
      'card declined then approved, fully refunded': 'completed',
      'card auth-only, partially captured': 'completed',
      'QR, one refund failed, one succeeded, one pending': 'completed',
      'QR pre-auth, canceled': 'canceled',
      'card expired unpaid': 'canceled',
      'QR success after cancel, compensated': 'canceled',
    });
    const [cashRow, cardRow, captured, qrRow, , , late] = expected;
    expect([cashRow!.amount_refunded, cardRow!.amount_refunded, captured!.amount_received, qrRow!.amount_refunded, late!.amount_received]).toEqual([
      '300',
      '1100',
      '800',
      '200',
      '0',
    ]);
  });

  it('skips a replayed batch: nothing moves twice', async () => {
    const box = await sandbox();
    const events = stream(intent('pi_replay', byMode['cash, partially refunded']!));
    await box.apply(events);
    const before = await box.query(DUMP);
    await box.apply(events);
    await box.apply(events.slice(1));
    expect(await box.query(DUMP)).toEqual(before);
  });

  it('fails the whole batch on an event type it cannot read, writing nothing', async () => {
    const box = await sandbox();
    const [created] = stream(intent('pi_unreadable', [cashC.create()]));
    const unknown = { ...created!, id: '00000000-0000-4000-8000-000000000001', type: 'PaymentIntentTeleported', revision: 1 };
    await expect(box.apply([created!, unknown])).rejects.toThrow(UndecodableEventError);
    expect(await box.query(DUMP)).toEqual([]);
  });

  it('leaves no row for the events of an intent whose creation it never saw', async () => {
    const box = await sandbox();
    const events = stream(intent('pi_headless', byMode['cash, partially refunded']!));
    await box.apply(events.slice(1));
    expect(await box.query(DUMP)).toEqual([]);
  });
});

describe('business date', () => {
  const storeOpened = (storeId: string, cutoffMinutes: number) =>
    recorded(`Store-${storeId}`, [
      {
        type: 'StoreOpened',
        data: { storeId, merchantId: 'mer_01', name: 'Late Bar', timeZone: 'Asia/Tokyo', cutoffMinutes, firstBusinessDate: '2025-05-01', openedAt: '2025-05-01T00:00:00.000Z' },
      },
    ]);
  const cutoffChanged = (storeId: string) =>
    recorded(
      `Store-${storeId}`,
      [
        {
          type: 'StoreBusinessDayChanged',
          data: { storeId, timeZone: 'Asia/Tokyo', cutoffMinutes: 0, effectiveFromBusinessDate: '2025-05-20', changedAt: '2025-05-19T00:00:00.000Z' },
        },
      ],
      1,
    );
  /** 03:30 JST on 2025-06-02: business date 2025-06-01 with a 04:00 cut-off, 2025-06-02 with none. */
  const lateNight = '2025-06-01T18:30:00.000Z';
  const createdAt = (id: string, storeId: string) => {
    const c = commandsFor(cash);
    const create = c.create({ now: lateNight, expiresAt: '2025-06-01T19:00:00.000Z' });
    return stream(intent(id, [create, c.confirmCash(price, 'att_1', lateNight), c.refund('rf_1', yen(100), 'requested_by_customer', lateNight)], storeId));
  };
  const businessDates = async (box: ProjectionSandbox) =>
    Object.fromEntries(
      (await box.query<{ id: string; business_date: string }>('SELECT id, business_date FROM payment_intents ORDER BY id')).map((row) => [row.id, row.business_date]),
    );

  it('uses the store cut-off (04:00) whether the store opened in an earlier batch or earlier in the same batch; an unknown store is Tokyo, 00:00', async () => {
    const box = await sandbox();
    await box.apply(storeOpened('str_early', 240));
    await box.apply([...createdAt('pi_a', 'str_early'), ...storeOpened('str_same', 240), ...createdAt('pi_b', 'str_same'), ...createdAt('pi_c', 'str_unknown')]);
    expect(await businessDates(box)).toEqual({ pi_a: '2025-06-01', pi_b: '2025-06-01', pi_c: '2025-06-02' });
  });

  it('is fixed at creation: a later schedule change does not move it, even when the intent moves on', async () => {
    const box = await sandbox();
    const events = createdAt('pi_fixed', 'str_fixed');
    await box.apply([...storeOpened('str_fixed', 240), events[0]!]);
    await box.apply([...cutoffChanged('str_fixed'), ...events.slice(1)]);
    expect(await businessDates(box)).toEqual({ pi_fixed: '2025-06-01' });
    const [row] = await rowsOf(box);
    expect(row).toMatchObject({ status: 'completed', amount_refunded: '100', stream_revision: events.length - 1 });
  });
});

/** A deterministic interleaving of several streams that keeps each stream's order (mulberry32). */
function interleave(streams: readonly RecordedEvent[][], seed: number): RecordedEvent[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const queues = streams.map((events) => [...events]);
  const log: RecordedEvent[] = [];
  for (;;) {
    const open = queues.filter((queue) => queue.length > 0);
    if (open.length === 0) break;
    const next = open[Math.floor(random() * open.length)]!.shift()!;
    log.push({ ...next, position: { commit: BigInt(log.length + 1), prepare: BigInt(log.length + 1) } });
  }
  return log;
}

function split<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  const batches: T[][] = [];
  for (let start = 0, index = 0; start < items.length; index += 1) {
    const size = sizes[index % sizes.length] ?? 1;
    batches.push(items.slice(start, start + size));
    start += size;
  }
  return batches;
}

describe('batch splits', () => {
  it('any split of the same log gives identical rows, each the fold of its intent (fast-check)', async () => {
    const whole = await sandbox();
    const parts = await sandbox();
    await fc.assert(
      fc.asyncProperty(
        fc.array(scenarios, { minLength: 1, maxLength: 3 }),
        fc.integer(),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 }),
        async (histories, seed, sizes) => {
          const streams = histories.map((scenario, index) => stream(relabel(run(scenario).events, `pi_prop_${index}`)));
          const log = interleave(streams, seed);
          await whole.query('TRUNCATE payment_intents');
          await parts.query('TRUNCATE payment_intents');
          await whole.apply(log);
          for (const batch of split(log, sizes)) await parts.apply(batch);
          expect(await parts.query(DUMP)).toEqual(await whole.query(DUMP));
          const rows = await rowsOf(whole);
          expect(rows.map((row) => row.state)).toEqual(streams.map((events) => fold(events.map((event) => ({ type: event.type, data: event.data }) as PaymentIntentEvent))));
        },
      ),
      { numRuns: 30 },
    );
  });
});
