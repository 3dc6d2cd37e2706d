/** Pre-authorizations: the 1010 hold, its 1011 (partial) capture with fees, and the 1012 void on cancel or expiry. */
import { UnpostableEventError, channelOf, receivable, requireNonCash, sales } from '../chartOfAccounts.js';
import { TRANSFER_CODES, holdKeyOf } from '../journalTypes.js';
import type { Draft, Plan, PostingOf } from './plan.js';
import { NOTHING, detailsMetadata, openHold, postLines, resolveHold, transfer } from './plan.js';
import { feeAccrual } from './salePostings.js';

/** 1010 PENDING Dr receivable / Cr sales (hold `authorization`). */
export function attemptAuthorized(input: PostingOf<'PaymentAttemptAuthorized'>): Plan {
  const { event } = input;
  const { amountAuthorized, attemptId, captureBefore, details } = event.data;
  const channel = requireNonCash(channelOf(event.data), event.type);
  const holdKey = holdKeyOf.authorization(event.data.paymentIntentId, attemptId);
  const metadata = { attempt_id: attemptId, capture_before: captureBefore, ...detailsMetadata(details) };
  const accounts = { debit: receivable(event.data, channel), credit: sales(event.data, channel) };
  const lines = transfer({ ...accounts, amountMinor: amountAuthorized.amountMinor, effect: 'pending' });
  const draft: Draft = { code: TRANSFER_CODES.auth_hold, kind: 'pending', holdKey, metadata, lines };
  const { amountMinor, currency } = amountAuthorized;
  return { drafts: [draft], holds: openHold(input, { kind: 'authorization', holdKey, amountMinor, currency }) };
}

/** 1011 posts `amountCaptured` of the hold (the rest returns), plus 3001 fees on what was captured. */
export function intentCaptured(input: PostingOf<'PaymentIntentCaptured'>): Plan {
  const { event } = input;
  const { amountCaptured, amountReleased, attemptId } = event.data;
  const channel = requireNonCash(channelOf(event.data), event.type);
  const holdKey = holdKeyOf.authorization(event.data.paymentIntentId, attemptId);
  const hold = resolveHold(input, holdKey, 'posted', () => amountCaptured.amountMinor);
  const metadata = {
    attempt_id: attemptId,
    pending_entry_id: hold.pendingEntryId,
    amount_captured_minor: amountCaptured.amountMinor,
    amount_released_minor: amountReleased.amountMinor,
  };
  const lines = postLines({ debit: receivable(event.data, channel), credit: sales(event.data, channel) }, hold);
  const post: Draft = { code: TRANSFER_CODES.capture_post, kind: 'post_pending', holdKey, metadata, lines };
  return { drafts: [post, ...feeAccrual(input, channel, amountCaptured.amountMinor, amountCaptured.currency)], holds: [hold] };
}

/** 1012 voids the authorization a cancel or an expiry releases; nothing when nothing was held. */
export function authorizationReleased(input: PostingOf<'PaymentIntentCanceled' | 'PaymentIntentExpired'>): Plan {
  const { event } = input;
  const { amountReleased, attemptId, cancellationReason } = event.data;
  if (amountReleased.amountMinor === 0) return NOTHING;
  if (attemptId === null) throw new UnpostableEventError(`${event.type} releases ${amountReleased.amountMinor} but names no attempt`);
  const channel = requireNonCash(channelOf(event.data), event.type);
  const holdKey = holdKeyOf.authorization(event.data.paymentIntentId, attemptId);
  const hold = resolveHold(input, holdKey, 'voided', () => 0);
  const metadata = {
    attempt_id: attemptId,
    pending_entry_id: hold.pendingEntryId,
    amount_released_minor: amountReleased.amountMinor,
    cancellation_reason: cancellationReason,
  };
  const accounts = { debit: receivable(event.data, channel), credit: sales(event.data, channel) };
  const lines = transfer({ ...accounts, amountMinor: hold.amountMinor, effect: 'pending_released' });
  return { drafts: [{ code: TRANSFER_CODES.auth_void, kind: 'void_pending', holdKey, metadata, lines }], holds: [hold] };
}
