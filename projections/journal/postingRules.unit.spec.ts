/**
 * The posting rules, one event kind at a time (given the intent's history, when the event is
 * posted, then exactly these entries), with the numbers of payments.md b.3: card ¥10,000 at 3.00 %
 * → MDR 300 + tax 30; PayPay ¥10,000 at 1.60 % → 160 + 16; a partial capture of ¥8,000 at 1.60 %
 * → 128 + 13. Events come from the real decider.
 */
import { describe, expect, it } from 'vitest';
import type { PaymentIntentCommand, PaymentIntentEvent } from '../../domain/paymentIntent/index.js';
import type { ProviderFees } from '../../domain/tenancy/index.js';
import { approved, authorized, card, cardAuthOnly, cash, commandsFor, declined, qr, qrPreAuth, succeeded, yen } from '../../domain/paymentIntent/testing/fixtures.js';
import { decideAll } from '../integration/testing/paymentScenarios.js';
import { UnpostableEventError } from './chartOfAccounts.js';
import type { JournalEntry } from './journalTypes.js';
import { holdKeyOf } from './journalTypes.js';
import { journalFor } from './postingRules.js';
import { JournalBook, nextEventId } from './testing/journalBook.js';

const jpyFees = (feeRatePpm: number, fixedFeeMinor = 0): ProviderFees => ({ feeRatePpm, fixedFeeMinor, currency: 'JPY' });
/** Card 3.00 % and PayPay 1.60 % ex-tax (payments.md b.2 example rates). */
const fees = { card: jpyFees(30_000), paypay: jpyFees(16_000) };

/** `Dr <path> <amount> [effect]`, with the fixture's merchant and store ids. */
function show(entries: readonly JournalEntry[]) {
  return entries.map((entry) => ({
    code: entry.code,
    kind: entry.kind,
    postings: entry.postings.map((posting) => {
      const effect = posting.effect === 'posted' ? '' : ` ${posting.effect}`;
      return `${posting.direction === 'debit' ? 'Dr' : 'Cr'} ${posting.account.path} ${posting.amountMinor}${effect}`;
    }),
  }));
}

/** Posts the history, then returns the entries of the events of `when` only. */
function given(history: readonly PaymentIntentCommand[], when: readonly PaymentIntentCommand[], book = new JournalBook(fees)) {
  const events = decideAll([...history, ...when]);
  const before = decideAll(history).length;
  book.postAll(events.slice(0, before));
  return { book, entries: book.postAll(events.slice(before)), events: events.slice(before) };
}

const cashIntent = commandsFor(cash);
const cardIntent = commandsFor(card);
const cardAuth = commandsFor(cardAuthOnly);
const qrIntent = commandsFor(qr);
const qrAuth = commandsFor(qrPreAuth);
const ten = yen(10_000);
const created = (c: ReturnType<typeof commandsFor>) => c.create({ amount: ten });

describe('sales', () => {
  it('cash: 1001 Dr cash:drawer / Cr sales:cash; tendered and change are metadata', () => {
    const { entries } = given([cashIntent.create()], [cashIntent.confirmCash(yen(5_000))]);
    expect(show(entries)).toEqual([{ code: 1001, kind: 'posted', postings: ['Dr m:mer_01:s:str_01:cash:drawer 1100', 'Cr m:mer_01:s:str_01:sales:cash 1100'] }]);
    expect(entries[0]!.metadata).toMatchObject({ tendered_minor: 5_000, change_minor: 3_900 });
  });

  it('card auto-captured ¥10,000 at 3.00 %: 1002 sale + 3001 MDR 300, tax 30', () => {
    const { entries } = given([created(cardIntent), cardIntent.confirm()], [cardIntent.cardResult(approved(ten))]);
    expect(show(entries)).toEqual([
      { code: 1002, kind: 'posted', postings: ['Dr m:mer_01:s:str_01:recv:card:card 10000', 'Cr m:mer_01:s:str_01:sales:card:card 10000'] },
      { code: 3001, kind: 'posted', postings: ['Dr m:mer_01:fees:mdr:card 300', 'Dr m:mer_01:tax:input_consumption 30', 'Cr m:mer_01:fees_payable:card 330'] },
    ]);
    expect(entries[1]!.metadata).toMatchObject({ fee_provider_code: 'card', fee_rate_ppm: 30_000, mdr_rate_exact: '300000000/1000000', consumption_tax_rate_ppm: 100_000 });
  });

  it('PayPay ¥10,000 at 1.60 %: 1003 sale + 3001 MDR 160, tax 16', () => {
    const { entries } = given([created(qrIntent), qrIntent.confirm()], [qrIntent.providerResult(succeeded(ten))]);
    expect(show(entries)).toEqual([
      { code: 1003, kind: 'posted', postings: ['Dr m:mer_01:s:str_01:recv:pgw:paypay 10000', 'Cr m:mer_01:s:str_01:sales:pgw:paypay 10000'] },
      { code: 3001, kind: 'posted', postings: ['Dr m:mer_01:fees:mdr:paypay 160', 'Dr m:mer_01:tax:input_consumption 16', 'Cr m:mer_01:fees_payable:paypay 176'] },
    ]);
  });

  it('accrues no fee without a configuration, in another currency, or at zero; a fixed fee adds to the rate', () => {
    const history = [created(qrIntent), qrIntent.confirm()];
    const sale = [qrIntent.providerResult(succeeded(ten))];
    expect(given(history, sale, new JournalBook({})).entries.map((entry) => entry.code)).toEqual([1003]);
    expect(given(history, sale, new JournalBook({ paypay: { ...jpyFees(16_000), currency: 'USD' } })).entries.map((entry) => entry.code)).toEqual([1003]);
    expect(given(history, sale, new JournalBook({ paypay: jpyFees(0) })).entries.map((entry) => entry.code)).toEqual([1003]);
    // ¥10,000 at 3.24 % + ¥10 = 324 + 10 = 334; tax 33.4 → 33.
    expect(show(given(history, sale, new JournalBook({ paypay: jpyFees(32_400, 10) })).entries)[1]!.postings).toEqual([
      'Dr m:mer_01:fees:mdr:paypay 334',
      'Dr m:mer_01:tax:input_consumption 33',
      'Cr m:mer_01:fees_payable:paypay 367',
    ]);
    // ¥3 at 1.60 % rounds to 0 and only the ¥1 fixed fee remains; its tax 0.1 rounds to 0: no tax leg.
    expect(
      show(
        given([qrIntent.create({ amount: yen(3) }), qrIntent.confirm()], [qrIntent.providerResult(succeeded(yen(3)))], new JournalBook({ paypay: jpyFees(16_000, 1) })).entries,
      )[1]!.postings,
    ).toEqual(['Dr m:mer_01:fees:mdr:paypay 1', 'Cr m:mer_01:fees_payable:paypay 1']);
  });

  it('cash payments never accrue fees, whatever is configured', () => {
    const { entries } = given([cashIntent.create()], [cashIntent.confirmCash(yen(1_100))], new JournalBook({ cash: jpyFees(30_000), card: jpyFees(30_000) }));
    expect(entries.map((entry) => entry.code)).toEqual([1001]);
  });

  it('events that move no money post nothing', () => {
    const { entries } = given(
      [],
      [created(cardIntent), cardIntent.confirm(), cardIntent.cardResult(declined), cardIntent.confirm('att_2'), cardIntent.cardResult({ outcome: 'unknown' }, 'att_2')],
    );
    expect(entries).toEqual([]);
  });
});

describe('authorizations (two-phase)', () => {
  const authorizedQr = [created(qrAuth), qrAuth.confirm(), qrAuth.providerResult(authorized(ten))];

  it('an authorization is a 1010 PENDING hold Dr recv / Cr sales', () => {
    const { entries, book } = given(authorizedQr.slice(0, 2), authorizedQr.slice(2));
    expect(show(entries)).toEqual([
      { code: 1010, kind: 'pending', postings: ['Dr m:mer_01:s:str_01:recv:pgw:paypay 10000 pending', 'Cr m:mer_01:s:str_01:sales:pgw:paypay 10000 pending'] },
    ]);
    expect(book.holdList()).toMatchObject([
      { holdKey: holdKeyOf.authorization('pi_01', 'att_1'), kind: 'authorization', amountMinor: 10_000, status: 'pending', pendingEntryId: entries[0]!.entryId },
    ]);
  });

  it('a partial capture of ¥8,000 posts 8,000 (the 10,000 reservation returns) and accrues 128 + 13 on it', () => {
    const { entries, book } = given(authorizedQr, [qrAuth.capture(yen(8_000))]);
    expect(show(entries)).toEqual([
      {
        code: 1011,
        kind: 'post_pending',
        postings: [
          'Dr m:mer_01:s:str_01:recv:pgw:paypay 10000 pending_released',
          'Cr m:mer_01:s:str_01:sales:pgw:paypay 10000 pending_released',
          'Dr m:mer_01:s:str_01:recv:pgw:paypay 8000',
          'Cr m:mer_01:s:str_01:sales:pgw:paypay 8000',
        ],
      },
      { code: 3001, kind: 'posted', postings: ['Dr m:mer_01:fees:mdr:paypay 128', 'Dr m:mer_01:tax:input_consumption 13', 'Cr m:mer_01:fees_payable:paypay 141'] },
    ]);
    expect(entries[0]!.metadata).toMatchObject({ amount_captured_minor: 8_000, amount_released_minor: 2_000 });
    expect(book.holdList()).toMatchObject([{ status: 'posted', amountPostedMinor: 8_000, resolvingEntryId: entries[0]!.entryId }]);
  });

  it('a cancel voids the card hold with 1012 (no posted effect)', () => {
    const history = [created(cardAuth), cardAuth.confirm(), cardAuth.cardResult(approved(ten, '2025-06-08T10:00:00.000Z'))];
    const { entries, book } = given(history, [cardAuth.cancel()]);
    expect(show(entries)).toEqual([
      { code: 1012, kind: 'void_pending', postings: ['Dr m:mer_01:s:str_01:recv:card:card 10000 pending_released', 'Cr m:mer_01:s:str_01:sales:card:card 10000 pending_released'] },
    ]);
    expect(book.holdList()).toMatchObject([{ status: 'voided', amountPostedMinor: 0 }]);
    for (const { balances } of book.balances().values()) expect(balances).toEqual({ postedDebits: 0, postedCredits: 0, pendingDebits: 0, pendingCredits: 0 });
  });

  it('an expiry of the authorization window voids the hold too', () => {
    const { entries } = given(authorizedQr, [qrAuth.expire('2025-06-08T10:00:00.000Z')]);
    expect(entries.map((entry) => [entry.code, entry.kind, entry.metadata.cancellation_reason])).toEqual([[1012, 'void_pending', 'automatic']]);
  });

  it('a cancel without a hold posts nothing', () => {
    expect(given([created(qrIntent), qrIntent.confirm()], [qrIntent.cancel()]).entries).toEqual([]);
  });
});

describe('refunds', () => {
  const paidQr = [created(qrIntent), qrIntent.confirm(), qrIntent.providerResult(succeeded(ten))];

  it('QR ¥3,000: 2001 PENDING Dr refunds / Cr recv at request; posted in full on success; no fee reversal', () => {
    const requested = given(paidQr, [qrIntent.refund('re_1', yen(3_000))]);
    expect(show(requested.entries)).toEqual([
      { code: 2001, kind: 'pending', postings: ['Dr m:mer_01:s:str_01:refunds:pgw:paypay 3000 pending', 'Cr m:mer_01:s:str_01:recv:pgw:paypay 3000 pending'] },
    ]);
    expect(requested.entries[0]!.metadata).toMatchObject({ refund_id: 're_1', fee_refund_policy: 'none' });
    const { entries } = given([...paidQr, qrIntent.refund('re_1', yen(3_000))], [qrIntent.refundResult('re_1', { outcome: 'succeeded', providerRefundId: 'prf_1' })]);
    expect(show(entries)).toEqual([
      {
        code: 2001,
        kind: 'post_pending',
        postings: [
          'Dr m:mer_01:s:str_01:refunds:pgw:paypay 3000 pending_released',
          'Cr m:mer_01:s:str_01:recv:pgw:paypay 3000 pending_released',
          'Dr m:mer_01:s:str_01:refunds:pgw:paypay 3000',
          'Cr m:mer_01:s:str_01:recv:pgw:paypay 3000',
        ],
      },
    ]);
  });

  it('a definitive refund failure voids the pending refund', () => {
    const { entries, book } = given(
      [...paidQr, qrIntent.refund('re_1', yen(3_000))],
      [qrIntent.refundResult('re_1', { outcome: 'failed', failureReason: 'REFUND_WINDOW_EXCEED' })],
    );
    expect(show(entries)).toEqual([
      {
        code: 2001,
        kind: 'void_pending',
        postings: ['Dr m:mer_01:s:str_01:refunds:pgw:paypay 3000 pending_released', 'Cr m:mer_01:s:str_01:recv:pgw:paypay 3000 pending_released'],
      },
    ]);
    expect(book.holdList().find((hold) => hold.kind === 'refund')).toMatchObject({ status: 'voided' });
  });

  it('cash ¥300 and card ¥3,000 refunds complete at once: pending then posted, from the drawer / the card receivable', () => {
    const cashRefund = given([cashIntent.create(), cashIntent.confirmCash(yen(1_100))], [cashIntent.refund('re_1', yen(300))]);
    expect(show(cashRefund.entries).map((entry) => [entry.kind, entry.postings.at(-2), entry.postings.at(-1)])).toEqual([
      ['pending', 'Dr m:mer_01:s:str_01:refunds:cash 300 pending', 'Cr m:mer_01:s:str_01:cash:drawer 300 pending'],
      ['post_pending', 'Dr m:mer_01:s:str_01:refunds:cash 300', 'Cr m:mer_01:s:str_01:cash:drawer 300'],
    ]);
    const cardRefund = given([created(cardIntent), cardIntent.confirm(), cardIntent.cardResult(approved(ten))], [cardIntent.refund('re_1', yen(3_000))]);
    expect(show(cardRefund.entries).at(-1)!.postings.slice(2)).toEqual(['Dr m:mer_01:s:str_01:refunds:card:card 3000', 'Cr m:mer_01:s:str_01:recv:card:card 3000']);
  });
});

describe('money taken that is not a sale', () => {
  it('a late success after a cancel goes to suspense (9001), and its reversal (2002) clears it', () => {
    const history = [created(qrIntent), qrIntent.confirm(), qrIntent.cancel('requested_by_customer', true)];
    const late = given(history, [qrIntent.providerResult(succeeded(ten))]);
    expect(late.events.map((event) => event.type)).toEqual(['PaymentAttemptSucceededAfterCancel']);
    expect(show(late.entries)).toEqual([{ code: 9001, kind: 'posted', postings: ['Dr m:mer_01:s:str_01:recv:pgw:paypay 10000', 'Cr m:mer_01:s:str_01:suspense:paypay 10000'] }]);
    const { entries, book } = given([...history, qrIntent.providerResult(succeeded(ten))], [qrIntent.compensate('att_1', 'payment_reversed')]);
    expect(show(entries)).toEqual([{ code: 2002, kind: 'posted', postings: ['Dr m:mer_01:s:str_01:suspense:paypay 10000', 'Cr m:mer_01:s:str_01:recv:pgw:paypay 10000'] }]);
    const suspense = book.balances().get('m:mer_01:s:str_01:suspense:paypay|JPY')!.balances;
    expect(suspense.postedCredits - suspense.postedDebits).toBe(0);
  });

  it('a late success after a failure is suspense too, never a sale, and accrues no fee', () => {
    const { entries, events } = given([created(cardIntent), cardIntent.confirm(), cardIntent.cardResult(declined)], [cardIntent.cardResult(approved(ten))]);
    expect(events.map((event) => event.type)).toEqual(['PaymentAttemptSucceededAfterFailure']);
    expect(show(entries)).toEqual([{ code: 9001, kind: 'posted', postings: ['Dr m:mer_01:s:str_01:recv:card:card 10000', 'Cr m:mer_01:s:str_01:suspense:card 10000'] }]);
  });

  it('an authorization for another amount is a PENDING suspense hold; voiding it (1012) releases it', () => {
    const history = [created(qrAuth), qrAuth.confirm()];
    const mismatched = given(history, [qrAuth.providerResult(authorized(yen(9_000)))]);
    expect(mismatched.events.map((event) => event.type)).toEqual(['PaymentAttemptAmountMismatched']);
    expect(show(mismatched.entries)).toEqual([
      { code: 9001, kind: 'pending', postings: ['Dr m:mer_01:s:str_01:recv:pgw:paypay 9000 pending', 'Cr m:mer_01:s:str_01:suspense:paypay 9000 pending'] },
    ]);
    const { entries, book } = given([...history, qrAuth.providerResult(authorized(yen(9_000)))], [qrAuth.compensate('att_1', 'authorization_voided')]);
    expect(show(entries)).toEqual([
      { code: 1012, kind: 'void_pending', postings: ['Dr m:mer_01:s:str_01:recv:pgw:paypay 9000 pending_released', 'Cr m:mer_01:s:str_01:suspense:paypay 9000 pending_released'] },
    ]);
    expect(book.holdList()).toMatchObject([{ kind: 'suspense', status: 'voided' }]);
  });
});

describe('ids, replays and inconsistencies', () => {
  const sale = decideAll([created(qrIntent), qrIntent.confirm(), qrIntent.providerResult(succeeded(ten))]).at(-1)!;

  it('entry and posting ids derive from the event id alone; postings are numbered across entries', () => {
    const eventId = nextEventId();
    const first = journalFor({ eventId, event: sale, businessDate: '2025-06-01', feesFor: () => fees.paypay, holdOf: () => undefined });
    const again = journalFor({ eventId, event: sale, businessDate: '2025-06-01', feesFor: () => fees.paypay, holdOf: () => undefined });
    expect(again).toEqual(first);
    expect(first.entries.flatMap((entry) => entry.postings.map((posting) => posting.leg))).toEqual([0, 1, 2, 3, 4]);
    const ids = first.entries.flatMap((entry) => [entry.entryId, ...entry.postings.map((posting) => posting.postingId)]);
    expect(new Set(ids).size).toBe(ids.length);
    const other = journalFor({ eventId: nextEventId(), event: sale, businessDate: '2025-06-01', feesFor: () => fees.paypay, holdOf: () => undefined });
    expect(other.entries[0]!.entryId).not.toBe(first.entries[0]!.entryId);
  });

  it('replaying an event that resolved a hold gives the same entries and leaves the hold as it is', () => {
    const events = decideAll([created(qrAuth), qrAuth.confirm(), qrAuth.providerResult(authorized(ten)), qrAuth.capture(yen(8_000))]);
    const book = new JournalBook(fees);
    const ids = events.map(() => nextEventId());
    events.forEach((event, index) => book.post(event, ids[index]));
    const holdsBefore = book.holdList();
    const [authorization, capture, fee] = [...book.entries];
    expect(book.post(events[3]!, ids[3]).entries).toEqual([capture, fee]);
    expect(book.post(events[2]!, ids[2]).entries).toEqual([authorization]);
    expect(book.holdList()).toEqual(holdsBefore);
  });

  it('refuses to resolve a hold it never opened, or one another event resolved', () => {
    const events: PaymentIntentEvent[] = decideAll([created(qrAuth), qrAuth.confirm(), qrAuth.providerResult(authorized(ten)), qrAuth.capture(yen(8_000))]);
    const capture = events[3]!;
    expect(() => new JournalBook(fees).post(capture)).toThrow(UnpostableEventError);
    const book = new JournalBook(fees);
    book.postAll(events);
    expect(() => book.post(capture)).toThrow(/already posted/);
  });
});
