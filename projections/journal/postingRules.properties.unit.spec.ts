/**
 * Properties of the posting rules over random PaymentIntent histories from the real decider
 * (`scenarios`: every mode, refusals, late results, compensations, captures, expiries):
 * every entry balances; the ledger agrees with the folded intent after every accepted command
 * (I5: posted sales − posted refunds = amount received − amount refunded; pending refunds and
 * capturable holds show as pending); a final intent leaves no hold open and nothing in suspense;
 * and posting an event twice changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExistingPaymentIntent, PaymentIntent } from '../../domain/paymentIntent/index.js';
import { amountRefundPending, amountRefunded, attemptsRequiringCompensation } from '../../domain/paymentIntent/index.js';
import { run, scenarios } from '../../domain/paymentIntent/testing/commandSequences.js';
import { approved, authorized, cardAuthOnly, commandsFor, qrPreAuth, yen } from '../../domain/paymentIntent/testing/fixtures.js';
import { decideAll } from '../integration/testing/paymentScenarios.js';
import { accrueFee } from '../../domain/fees/index.js';
import { ACCOUNT_CODES } from './chartOfAccounts.js';
import type { JournalEntry } from './journalTypes.js';
import { JournalBook, nextEventId } from './testing/journalBook.js';
import type { AccountBalance } from './testing/journalBook.js';

const fees = {
  card: { feeRatePpm: 30_000, fixedFeeMinor: 5, currency: 'JPY' },
  paypay: { feeRatePpm: 16_000, fixedFeeMinor: 0, currency: 'JPY' },
};
const runs = { numRuns: 300 };

function unbalanced(entry: JournalEntry): string[] {
  const sums = new Map<string, number>();
  for (const posting of entry.postings) {
    const key = `${posting.currency}/${posting.effect}`;
    sums.set(key, (sums.get(key) ?? 0) + (posting.direction === 'debit' ? posting.amountMinor : -posting.amountMinor));
  }
  return [...sums].filter(([, net]) => net !== 0).map(([key, net]) => `${entry.code} ${key}: ${net}`);
}

/** Σ over accounts with `code` of a balance measure. */
function total(balances: Iterable<AccountBalance>, code: string, measure: (balance: AccountBalance['balances']) => number): number {
  let sum = 0;
  for (const balance of balances) if (balance.account.code === code) sum += measure(balance.balances);
  return sum;
}

const isFinal = (state: ExistingPaymentIntent): boolean =>
  (state.status === 'completed' || state.status === 'canceled') && amountRefundPending(state).amountMinor === 0 && attemptsRequiringCompensation(state).length === 0;

const existing = (state: PaymentIntent): ExistingPaymentIntent | undefined => (state.status === 'absent' ? undefined : state);

describe('posting rules over random intent histories', () => {
  it('every entry balances per currency, for posted, pending and released amounts alike', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        const book = new JournalBook(fees);
        book.postAll(run(scenario).events);
        expect(book.entries.flatMap(unbalanced)).toEqual([]);
      }),
      runs,
    );
  });

  it('after every accepted command the books agree with the folded intent (I5)', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        const book = new JournalBook(fees);
        for (const step of run(scenario).accepted) {
          book.postAll(step.events);
          const state = existing(step.after);
          if (state === undefined) continue;
          const balances = [...book.balances().values()];
          const netSales = total(balances, ACCOUNT_CODES.sales, (b) => b.postedCredits - b.postedDebits);
          const netRefunds = total(balances, ACCOUNT_CODES.refunds, (b) => b.postedDebits - b.postedCredits);
          expect(netSales - netRefunds).toBe(state.amountReceived.amountMinor - amountRefunded(state).amountMinor);
          expect(netRefunds).toBe(amountRefunded(state).amountMinor);
          expect(total(balances, ACCOUNT_CODES.refunds, (b) => b.pendingDebits)).toBe(amountRefundPending(state).amountMinor);
          expect(total(balances, ACCOUNT_CODES.sales, (b) => b.pendingCredits)).toBe(state.amountCapturable.amountMinor);
        }
      }),
      runs,
    );
  });

  it('a final intent has every hold resolved, no pending balance and nothing left in suspense', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        const { events, final } = run(scenario);
        const state = existing(final);
        fc.pre(state !== undefined && isFinal(state));
        const book = new JournalBook(fees);
        book.postAll(events);
        expect(book.holdList().filter((hold) => hold.status === 'pending')).toEqual([]);
        for (const { balances } of book.balances().values()) {
          expect([balances.pendingDebits, balances.pendingCredits]).toEqual([0, 0]);
        }
        const suspense = [...book.balances().values()];
        expect(total(suspense, ACCOUNT_CODES.suspense, (b) => b.postedCredits - b.postedDebits)).toBe(0);
      }),
      runs,
    );
  });

  it('posting an event again with the same id yields the same entries and leaves the holds unchanged', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        const book = new JournalBook(fees);
        for (const event of run(scenario).events) {
          const eventId = nextEventId();
          const first = book.post(event, eventId);
          const holds = book.holdList();
          const again = book.post(event, eventId);
          expect(again.entries).toEqual(first.entries);
          expect(book.holdList()).toEqual(holds);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a capture of any part of any hold posts exactly that part, accrues the fee on it, and clears the hold', () => {
    const captures = fc
      .integer({ min: 1, max: 5_000_000 })
      .chain((held) => fc.tuple(fc.constant(held), fc.integer({ min: 1, max: held }), fc.constantFrom(cardAuthOnly, qrPreAuth)));
    fc.assert(
      fc.property(captures, ([held, captured, setup]) => {
        const c = commandsFor(setup);
        const result = setup === qrPreAuth ? c.providerResult(authorized(yen(held))) : c.cardResult(approved(yen(held), '2025-06-08T10:00:00.000Z'));
        const book = new JournalBook(fees);
        book.postAll(decideAll([c.create({ amount: yen(held) }), c.confirm(), result, c.capture(yen(captured))]));
        const balances = [...book.balances().values()];
        expect(total(balances, ACCOUNT_CODES.sales, (b) => b.postedCredits)).toBe(captured);
        expect(total(balances, ACCOUNT_CODES.sales, (b) => b.pendingCredits)).toBe(0);
        const fee = accrueFee(captured, setup === qrPreAuth ? fees.paypay : fees.card);
        expect(total(balances, ACCOUNT_CODES.mdrFees, (b) => b.postedDebits)).toBe(fee.mdrMinor);
        expect(total(balances, ACCOUNT_CODES.feesPayable, (b) => b.postedCredits)).toBe(fee.mdrMinor + fee.taxMinor);
        expect(book.holdList().map((hold) => [hold.status, hold.amountPostedMinor])).toEqual([['posted', captured]]);
      }),
      runs,
    );
  });
});
