/**
 * The journal's vocabulary (payments.md b.1–b.3, TigerBeetle-style two-phase transfers): entries
 * made of postings, transfer codes, and holds — pending transfers that a later event posts or voids.
 *
 * Every posting moves one balance of its account: `posted` adds to the posted debits or credits,
 * `pending` reserves in the pending ones, `pending_released` gives a reservation back (the first
 * half of a post or a void). So an account's four balances — and its balances as of any instant —
 * are plain sums of its postings, and within an entry Σ debits = Σ credits per currency and effect.
 */
import type { JsonObject } from '../../domain/eventStore/index.js';
import type { Account, Direction } from './chartOfAccounts.js';

/** Transfer codes (TigerBeetle `code`, payments.md b.2) this journal writes. */
export const TRANSFER_CODES = Object.freeze({
  sale_cash: 1001,
  sale_card: 1002,
  sale_pgw: 1003,
  auth_hold: 1010,
  capture_post: 1011,
  auth_void: 1012,
  refund: 2001,
  reversal: 2002,
  fee_accrual: 3001,
  /** Money taken that the intent could not accept, parked in suspense until compensated. */
  recon_adjustment: 9001,
} as const);

export type TransferCode = (typeof TRANSFER_CODES)[keyof typeof TRANSFER_CODES];

/** `posted` moves money; `pending` reserves it (a hold); `post_pending` / `void_pending` resolve a hold. */
export type EntryKind = 'posted' | 'pending' | 'post_pending' | 'void_pending';

export type BalanceEffect = 'posted' | 'pending' | 'pending_released';

export type Posting = Readonly<{
  postingId: string;
  /** 0-based, numbered across every entry made from the same event. */
  leg: number;
  account: Account;
  direction: Direction;
  /** Positive, in minor units. */
  amountMinor: number;
  currency: string;
  effect: BalanceEffect;
}>;

export type JournalEntry = Readonly<{
  entryId: string;
  eventId: string;
  /** 0-based index among the entries made from the same event. */
  entryIndex: number;
  code: TransferCode;
  kind: EntryKind;
  /** The hold this entry opens or resolves; null for a plain posted entry. */
  holdKey: string | null;
  paymentIntentId: string;
  clientPartnerId: string;
  merchantId: string;
  storeId: string;
  occurredAt: string;
  /** The store's business date of `occurredAt` (YYYY-MM-DD). */
  businessDate: string;
  metadata: JsonObject;
  postings: readonly Posting[];
}>;

/** `authorization`: a card/QR hold; `refund`: a requested refund; `suspense`: a late authorization to void. */
export type HoldKind = 'authorization' | 'refund' | 'suspense';

export type HoldStatus = 'pending' | 'posted' | 'voided';

/** A pending transfer, keyed by what it reserves; it resolves at most once (TigerBeetle §2.2). */
export type Hold = Readonly<{
  holdKey: string;
  kind: HoldKind;
  paymentIntentId: string;
  amountMinor: number;
  currency: string;
  status: HoldStatus;
  /** What the resolving post moved to posted (≤ amountMinor); 0 while pending or once voided. */
  amountPostedMinor: number;
  pendingEntryId: string;
  resolvingEntryId: string | null;
  resolvedByEventId: string | null;
  createdAt: string;
  resolvedAt: string | null;
}>;

export const holdKeyOf = Object.freeze({
  authorization: (paymentIntentId: string, attemptId: string): string => `${paymentIntentId}:authorization:${attemptId}`,
  refund: (paymentIntentId: string, refundId: string): string => `${paymentIntentId}:refund:${refundId}`,
  suspense: (paymentIntentId: string, attemptId: string): string => `${paymentIntentId}:suspense:${attemptId}`,
});
