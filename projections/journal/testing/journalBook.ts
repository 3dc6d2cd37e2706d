/**
 * An in-memory journal for tests and benchmarks: runs the posting rules over events in order,
 * threading the holds like the projector does, and sums balances per account the way the
 * projector's SQL does (posted and pending, debits and credits).
 */
import type { PaymentIntentEvent } from '../../../domain/paymentIntent/index.js';
import type { ProviderFees } from '../../../domain/tenancy/index.js';
import type { Account } from '../chartOfAccounts.js';
import type { Hold, JournalEntry } from '../journalTypes.js';
import type { PostingResult } from '../postingRules.js';
import { journalFor } from '../postingRules.js';

export type Balances = { postedDebits: number; postedCredits: number; pendingDebits: number; pendingCredits: number };

export type AccountBalance = Readonly<{ account: Account; currency: string; balances: Balances }>;

/** Fees by provider code (`card` for the card acquirer, `paypay`, …), as one store's configuration. */
export type BookFees = Readonly<Record<string, ProviderFees>>;

let eventCounter = 0;

/** A fresh, valid UUID for a test event (deterministic within a process run). */
export function nextEventId(): string {
  eventCounter += 1;
  return `00000000-0000-4000-8000-${eventCounter.toString().padStart(12, '0')}`;
}

export class JournalBook {
  readonly entries: JournalEntry[] = [];
  private readonly holds = new Map<string, Hold>();

  constructor(private readonly fees: BookFees = {}) {}

  /** Posts one event; `eventId` defaults to a fresh id. */
  post(event: PaymentIntentEvent, eventId: string = nextEventId()): PostingResult {
    const result = journalFor({
      eventId,
      event,
      businessDate: event.data.occurredAt.slice(0, 10),
      feesFor: (providerCode) => this.fees[providerCode] ?? null,
      holdOf: (holdKey) => this.holds.get(holdKey),
    });
    for (const hold of result.holds) this.holds.set(hold.holdKey, hold);
    this.entries.push(...result.entries);
    return result;
  }

  postAll(events: readonly PaymentIntentEvent[]): JournalEntry[] {
    return events.flatMap((event) => this.post(event).entries);
  }

  holdList(): Hold[] {
    return [...this.holds.values()];
  }

  /** Balances per `account|currency`, from every posting so far. */
  balances(): Map<string, AccountBalance> {
    const byAccount = new Map<string, AccountBalance>();
    for (const entry of this.entries) {
      for (const posting of entry.postings) {
        const key = `${posting.account.path}|${posting.currency}`;
        const current = byAccount.get(key) ?? {
          account: posting.account,
          currency: posting.currency,
          balances: { postedDebits: 0, postedCredits: 0, pendingDebits: 0, pendingCredits: 0 },
        };
        const balances = { ...current.balances };
        const signed = posting.effect === 'pending_released' ? -posting.amountMinor : posting.amountMinor;
        if (posting.effect === 'posted') {
          if (posting.direction === 'debit') balances.postedDebits += signed;
          else balances.postedCredits += signed;
        } else if (posting.direction === 'debit') balances.pendingDebits += signed;
        else balances.pendingCredits += signed;
        byAccount.set(key, { ...current, balances });
      }
    }
    return byAccount;
  }
}
