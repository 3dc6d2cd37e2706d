/**
 * The projector's pure fold, without a database: random intent histories from the real decider
 * (every mode, refusals included) give rows equal to the domain fold whatever the batch split, a
 * replayed event changes nothing, and other streams are only observed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import type { PaymentIntentEvent } from '../../domain/paymentIntent/index.js';
import { amountRefunded, fold } from '../../domain/paymentIntent/index.js';
import { scenarios, run } from '../../domain/paymentIntent/testing/commandSequences.js';
import { cash, commandsFor, yen } from '../../domain/paymentIntent/testing/fixtures.js';
import { decideAll } from '../integration/testing/paymentScenarios.js';
import type { BusinessDates, IntentRow, StoredIntent } from './foldIntents.js';
import { foldIntents, touchedIntentIds } from './foldIntents.js';

function recordedStream(id: string, events: readonly PaymentIntentEvent[]): RecordedEvent[] {
  return events.map((event, revision) => ({
    id: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
    type: event.type,
    schemaVersion: 1,
    data: { ...event.data, paymentIntentId: id },
    metadata: {},
    stream: `PaymentIntent-${id}`,
    revision,
    position: { commit: 1n, prepare: BigInt(revision + 1) },
    recordedAt: event.data.occurredAt,
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  }));
}

/** Business dates that record what was asked, and when in the log. */
function spyDates(): BusinessDates & { observed: string[]; asked: string[] } {
  const observed: string[] = [];
  const asked: string[] = [];
  return {
    observed,
    asked,
    observe: (event) => void observed.push(event.id),
    businessDate: (storeId, instant) => {
      asked.push(`${storeId}@${instant}`);
      return instant.slice(0, 10);
    },
  };
}

/** Folds `batches` one after the other, each from the rows the previous ones left, like the projector over its table. */
function foldInBatches(batches: readonly (readonly RecordedEvent[])[]): Map<string, IntentRow> {
  const table = new Map<string, IntentRow>();
  for (const batch of batches) {
    const stored = new Map<string, StoredIntent>();
    for (const id of touchedIntentIds(batch)) {
      const row = table.get(id);
      if (row !== undefined) stored.set(id, { state: row.state, businessDate: row.business_date, streamRevision: row.stream_revision });
    }
    for (const row of foldIntents(batch, stored, spyDates())) table.set(row.id, row);
  }
  return table;
}

const cashCommands = commandsFor(cash);

describe('foldIntents', () => {
  it('gives the domain fold of each intent whatever the split into batches', () => {
    fc.assert(
      fc.property(fc.array(scenarios, { minLength: 1, maxLength: 3 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }), (histories, sizes) => {
        const streams = histories.map((scenario, index) => recordedStream(`pi_${index}`, run(scenario).events));
        const log = streams.flat();
        const batches: RecordedEvent[][] = [];
        for (let start = 0, index = 0; start < log.length; index += 1) {
          const size = sizes[index % sizes.length] ?? 1;
          batches.push(log.slice(start, start + size));
          start += size;
        }
        const whole = foldInBatches([log]);
        expect(foldInBatches(batches)).toEqual(whole);
        streams.forEach((events, index) => {
          const state = fold(events.map((event) => ({ type: event.type, data: event.data }) as PaymentIntentEvent));
          const row = whole.get(`pi_${index}`);
          if (state.status === 'absent') throw new Error('every scenario creates its intent');
          expect(row?.state).toEqual(state);
          expect(row).toMatchObject({
            status: state.status,
            amount_received: state.amountReceived.amountMinor,
            amount_refunded: amountRefunded(state).amountMinor,
            stream_revision: events.length - 1,
          });
        });
      }),
      { numRuns: 200 },
    );
  });

  const cashSale = recordedStream('pi_1', decideAll([cashCommands.create(), cashCommands.confirmCash(yen(2000)), cashCommands.refund('rf_1', yen(100))]));

  it('asks the business date once, at creation, and keeps the stored one afterwards', () => {
    const dates = spyDates();
    const [first] = foldIntents(cashSale.slice(0, 1), new Map(), dates);
    expect(dates.asked).toEqual([`str_01@${first!.created_at}`]);
    const later = spyDates();
    const [next] = foldIntents(cashSale.slice(1), new Map([['pi_1', { state: first!.state, businessDate: '2000-01-01', streamRevision: 0 }]]), later);
    expect(later.asked).toEqual([]);
    expect(next).toMatchObject({ business_date: '2000-01-01', status: 'completed', amount_refunded: 100, stream_revision: 3 });
  });

  it('skips events at or below the stored revision (a replayed batch writes nothing new)', () => {
    const [done] = foldIntents(cashSale, new Map(), spyDates());
    const stored = new Map([['pi_1', { state: done!.state, businessDate: done!.business_date, streamRevision: done!.stream_revision }]]);
    expect(foldIntents(cashSale, stored, spyDates())).toEqual([]);
    expect(foldIntents(cashSale.slice(0, 2), new Map(), spyDates())[0]).toMatchObject({ amount_refunded: 0, stream_revision: 1 });
  });

  it('observes every event in order, other streams included, and writes rows only for PaymentIntent streams', () => {
    const [created] = cashSale;
    const store = { ...created!, id: 'store-event', type: 'StoreOpened', stream: 'Store-str_01', data: { storeId: 'str_01' } };
    const dates = spyDates();
    const rows = foldIntents([store, created!], new Map(), dates);
    expect(dates.observed).toEqual(['store-event', created!.id]);
    expect(rows.map((row) => row.id)).toEqual(['pi_1']);
  });
});
