/** Refunds (2001): PENDING when requested (hold `refund`), posted in full on success, voided on failure. No fee reversal. */
import { channelOf, fundsAccount, refunds } from '../chartOfAccounts.js';
import { FEE_REFUND_POLICY } from '../../../domain/fees/index.js';
import { TRANSFER_CODES, holdKeyOf } from '../journalTypes.js';
import type { Draft, Plan, PostingOf } from './plan.js';
import { openHold, postLines, resolveHold, transfer } from './plan.js';

/** 2001 PENDING Dr refunds / Cr receivable (cash: cash:drawer). */
export function refundRequested(input: PostingOf<'RefundRequested'>): Plan {
  const { event } = input;
  const { amount, refundId, reason } = event.data;
  const channel = channelOf(event.data);
  const holdKey = holdKeyOf.refund(event.data.paymentIntentId, refundId);
  const metadata = { refund_id: refundId, reason, fee_refund_policy: FEE_REFUND_POLICY };
  const lines = transfer({ debit: refunds(event.data, channel), credit: fundsAccount(event.data, channel), amountMinor: amount.amountMinor, effect: 'pending' });
  const draft: Draft = { code: TRANSFER_CODES.refund, kind: 'pending', holdKey, metadata, lines };
  return { drafts: [draft], holds: openHold(input, { kind: 'refund', holdKey, amountMinor: amount.amountMinor, currency: amount.currency }) };
}

/** 2001 posts the pending refund in full (RefundSucceeded) or voids it (RefundFailed). */
export function refundSettled(input: PostingOf<'RefundSucceeded' | 'RefundFailed'>): Plan {
  const { event } = input;
  const { refundId } = event.data;
  const channel = channelOf(event.data);
  const holdKey = holdKeyOf.refund(event.data.paymentIntentId, refundId);
  const accounts = { debit: refunds(event.data, channel), credit: fundsAccount(event.data, channel) };
  if (event.type === 'RefundSucceeded') {
    const hold = resolveHold(input, holdKey, 'posted', (pending) => pending.amountMinor);
    const metadata = { refund_id: refundId, pending_entry_id: hold.pendingEntryId, provider_refund_id: event.data.providerRefundId };
    return { drafts: [{ code: TRANSFER_CODES.refund, kind: 'post_pending', holdKey, metadata, lines: postLines(accounts, hold) }], holds: [hold] };
  }
  const hold = resolveHold(input, holdKey, 'voided', () => 0);
  const metadata = { refund_id: refundId, pending_entry_id: hold.pendingEntryId, failure_reason: event.data.failureReason };
  const lines = transfer({ ...accounts, amountMinor: hold.amountMinor, effect: 'pending_released' });
  return { drafts: [{ code: TRANSFER_CODES.refund, kind: 'void_pending', holdKey, metadata, lines }], holds: [hold] };
}
