/**
 * The posting rules (payments.md b.3): one PaymentIntent event → zero or more balanced journal
 * entries, plus the holds it opens or resolves. Pure: the caller supplies the store's fees and the
 * holds the event needs (see `holdKeyTouchedBy`), in log order.
 *
 * - CashPaymentReceived → 1001 Dr cash:drawer / Cr sales:cash (tendered and change in metadata).
 * - PaymentAttemptSucceeded (card or QR, auto-capture) → 1002/1003 Dr recv / Cr sales, + 3001 fees.
 * - PaymentAttemptAuthorized → 1010 PENDING Dr recv / Cr sales (hold `authorization`);
 *   PaymentIntentCaptured → 1011 posts amountCaptured of it (the rest returns), + 3001 fees on that;
 *   PaymentIntentCanceled / PaymentIntentExpired releasing a hold → 1012 voids it.
 * - RefundRequested → 2001 PENDING Dr refunds / Cr recv (cash: cash:drawer) (hold `refund`);
 *   RefundSucceeded → 2001 posts it in full; RefundFailed → 2001 voids it. No fee reversal
 *   (`FEE_REFUND_POLICY`).
 * - A late or mismatched positive result (money taken that is not a sale) → 9001 Dr recv /
 *   Cr suspense, PENDING (hold `suspense`) when it was only authorized; PaymentAttemptCompensated →
 *   1012 voids that hold (`authorization_voided`) or 2002 Dr suspense / Cr recv (reversed/refunded).
 *   No fee accrues on such money.
 *
 * A resolution whose hold is missing or was resolved by another event means the log and the
 * journal disagree: it throws (the runtime parks the event) rather than post a guess. A replay of
 * the same event yields the same entries and leaves its holds as they are.
 */
import type { PaymentIntentEvent } from '../../domain/paymentIntent/index.js';
import type { Hold, JournalEntry } from './journalTypes.js';
import { holdKeyOf } from './journalTypes.js';
import { entryId, postingId } from './journalIds.js';
import { attemptAuthorized, authorizationReleased, intentCaptured } from './postings/authorizationPostings.js';
import type { Draft, Plan, PostingInput } from './postings/plan.js';
import { NOTHING } from './postings/plan.js';
import { refundRequested, refundSettled } from './postings/refundPostings.js';
import { attemptSucceeded, cashReceived } from './postings/salePostings.js';
import { attemptCompensated, moneyInSuspense } from './postings/suspensePostings.js';

export type { PostingInput } from './postings/plan.js';

export type PostingResult = Readonly<{
  entries: readonly JournalEntry[];
  /** Holds opened or resolved by the event, in their new state. */
  holds: readonly Hold[];
}>;

/** The hold key an event opens or resolves, if any: the caller loads these before a batch. */
export function holdKeyTouchedBy(event: PaymentIntentEvent): string | null {
  const { paymentIntentId } = event.data;
  switch (event.type) {
    case 'PaymentAttemptAuthorized':
    case 'PaymentIntentCaptured':
      return holdKeyOf.authorization(paymentIntentId, event.data.attemptId);
    case 'PaymentIntentCanceled':
    case 'PaymentIntentExpired':
      return event.data.attemptId === null ? null : holdKeyOf.authorization(paymentIntentId, event.data.attemptId);
    case 'RefundRequested':
    case 'RefundSucceeded':
    case 'RefundFailed':
      return holdKeyOf.refund(paymentIntentId, event.data.refundId);
    case 'PaymentAttemptAmountMismatched':
    case 'PaymentAttemptSucceededAfterCancel':
    case 'PaymentAttemptSucceededAfterFailure':
    case 'PaymentAttemptCompensated':
      return holdKeyOf.suspense(paymentIntentId, event.data.attemptId);
    case 'PaymentIntentCreated':
    case 'PaymentAttemptStarted':
    case 'PaymentAttemptQrIssued':
    case 'CashPaymentReceived':
    case 'PaymentAttemptSucceeded':
    case 'PaymentAttemptFailed':
    case 'PaymentAttemptOutcomeUnknown':
      return null;
  }
}

/** The journal entries and hold changes of one event. */
export function journalFor(input: PostingInput): PostingResult {
  const plan = planFor(input);
  return { entries: finalize(input, plan.drafts), holds: plan.holds };
}

/** One posting function per event family (postings/); events that move no money post nothing. */
function planFor(input: PostingInput): Plan {
  const { event } = input;
  switch (event.type) {
    case 'PaymentIntentCreated':
    case 'PaymentAttemptStarted':
    case 'PaymentAttemptQrIssued':
    case 'PaymentAttemptFailed':
    case 'PaymentAttemptOutcomeUnknown':
      return NOTHING;
    case 'CashPaymentReceived':
      return cashReceived({ ...input, event });
    case 'PaymentAttemptSucceeded':
      return attemptSucceeded({ ...input, event });
    case 'PaymentAttemptAuthorized':
      return attemptAuthorized({ ...input, event });
    case 'PaymentIntentCaptured':
      return intentCaptured({ ...input, event });
    case 'PaymentIntentCanceled':
    case 'PaymentIntentExpired':
      return authorizationReleased({ ...input, event });
    case 'RefundRequested':
      return refundRequested({ ...input, event });
    case 'RefundSucceeded':
    case 'RefundFailed':
      return refundSettled({ ...input, event });
    case 'PaymentAttemptAmountMismatched':
    case 'PaymentAttemptSucceededAfterCancel':
    case 'PaymentAttemptSucceededAfterFailure':
      return moneyInSuspense({ ...input, event });
    case 'PaymentAttemptCompensated':
      return attemptCompensated({ ...input, event });
  }
}

/** Numbers the legs across the event's entries and derives every id from the event id. */
function finalize(input: PostingInput, drafts: readonly Draft[]): JournalEntry[] {
  if (drafts.length === 0) return [];
  const { eventId, event } = input;
  const businessDate = typeof input.businessDate === 'string' ? input.businessDate : input.businessDate();
  const { paymentIntentId, clientPartnerId, merchantId, storeId, occurredAt } = event.data;
  const currency = currencyOf(event);
  let leg = 0;
  return drafts.map((draft, entryIndex) => ({
    entryId: entryId(eventId, entryIndex),
    eventId,
    entryIndex,
    code: draft.code,
    kind: draft.kind,
    holdKey: draft.holdKey,
    paymentIntentId,
    clientPartnerId,
    merchantId,
    storeId,
    occurredAt,
    businessDate,
    metadata: draft.metadata,
    postings: draft.lines
      .filter((line) => line.amountMinor > 0)
      .map((line) => {
        const posting = { postingId: postingId(eventId, leg), leg, currency, ...line };
        leg += 1;
        return posting;
      }),
  }));
}

/** Every amount of a PaymentIntent event is in the intent's currency. */
function currencyOf(event: PaymentIntentEvent): string {
  switch (event.type) {
    case 'PaymentAttemptAuthorized':
      return event.data.amountAuthorized.currency;
    case 'PaymentIntentCaptured':
      return event.data.amountCaptured.currency;
    case 'PaymentAttemptAmountMismatched':
    case 'PaymentAttemptSucceededAfterCancel':
    case 'PaymentAttemptSucceededAfterFailure':
      return event.data.reported.amount.currency;
    case 'PaymentIntentCreated':
    case 'PaymentAttemptStarted':
    case 'PaymentAttemptQrIssued':
    case 'CashPaymentReceived':
    case 'PaymentAttemptSucceeded':
    case 'PaymentAttemptFailed':
    case 'PaymentAttemptOutcomeUnknown':
    case 'PaymentAttemptCompensated':
    case 'PaymentIntentCanceled':
    case 'PaymentIntentExpired':
    case 'RefundRequested':
    case 'RefundSucceeded':
    case 'RefundFailed':
      return event.data.amount.currency;
  }
}
