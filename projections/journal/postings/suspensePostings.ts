/**
 * Money taken that is not a sale (a late or mismatched positive result): 9001 Dr receivable / Cr suspense,
 * PENDING (hold `suspense`) when only authorized; its compensation voids that hold (1012) or reverses it
 * (2002 Dr suspense / Cr receivable). No fee accrues on such money.
 */
import { channelOf, receivable, requireNonCash, suspense } from '../chartOfAccounts.js';
import { TRANSFER_CODES, holdKeyOf } from '../journalTypes.js';
import type { Draft, Plan, PostingOf } from './plan.js';
import { detailsMetadata, openHold, resolveHold, transfer } from './plan.js';

type LateResult = 'PaymentAttemptAmountMismatched' | 'PaymentAttemptSucceededAfterCancel' | 'PaymentAttemptSucceededAfterFailure';

/** Money taken for an attempt the intent cannot accept: into suspense, pending if only authorized. */
export function moneyInSuspense(input: PostingOf<LateResult>): Plan {
  const { event } = input;
  const { attemptId, reported, requiredCompensation } = event.data;
  const channel = requireNonCash(channelOf(event.data), event.type);
  const metadata = {
    attempt_id: attemptId,
    late_result: event.type,
    reported_outcome: reported.outcome,
    required_compensation: requiredCompensation,
    ...detailsMetadata(reported.details),
  };
  const accounts = { debit: receivable(event.data, channel), credit: suspense(event.data, channel) };
  const { amountMinor, currency } = reported.amount;
  if (reported.outcome === 'succeeded') {
    const lines = transfer({ ...accounts, amountMinor, effect: 'posted' });
    return { drafts: [{ code: TRANSFER_CODES.recon_adjustment, kind: 'posted', holdKey: null, metadata, lines }], holds: [] };
  }
  const holdKey = holdKeyOf.suspense(event.data.paymentIntentId, attemptId);
  const lines = transfer({ ...accounts, amountMinor, effect: 'pending' });
  const draft: Draft = { code: TRANSFER_CODES.recon_adjustment, kind: 'pending', holdKey, metadata: { ...metadata, capture_before: reported.captureBefore }, lines };
  return { drafts: [draft], holds: openHold(input, { kind: 'suspense', holdKey, amountMinor, currency }) };
}

/** The compensation of suspense money: 1012 voids a suspense hold, or 2002 Dr suspense / Cr receivable reverses a taken amount. */
export function attemptCompensated(input: PostingOf<'PaymentAttemptCompensated'>): Plan {
  const { event } = input;
  const { amount, attemptId, method } = event.data;
  const channel = requireNonCash(channelOf(event.data), event.type);
  if (method === 'authorization_voided') {
    const holdKey = holdKeyOf.suspense(event.data.paymentIntentId, attemptId);
    const hold = resolveHold(input, holdKey, 'voided', () => 0);
    const metadata = { attempt_id: attemptId, pending_entry_id: hold.pendingEntryId, compensation_method: method };
    const accounts = { debit: receivable(event.data, channel), credit: suspense(event.data, channel) };
    const lines = transfer({ ...accounts, amountMinor: hold.amountMinor, effect: 'pending_released' });
    return { drafts: [{ code: TRANSFER_CODES.auth_void, kind: 'void_pending', holdKey, metadata, lines }], holds: [hold] };
  }
  const metadata = { attempt_id: attemptId, compensation_method: method };
  const lines = transfer({ debit: suspense(event.data, channel), credit: receivable(event.data, channel), amountMinor: amount.amountMinor, effect: 'posted' });
  return { drafts: [{ code: TRANSFER_CODES.reversal, kind: 'posted', holdKey: null, metadata, lines }], holds: [] };
}
