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
import type { JsonObject } from '../../domain/eventStore/index.js';
import type { PaymentIntentEvent, PositiveOutcome } from '../../domain/paymentIntent/index.js';
import type { ProviderFees } from '../../domain/tenancy/index.js';
import type { Account, NonCashChannel } from './chartOfAccounts.js';
import {
  UnpostableEventError,
  channelOf,
  feeProviderCodeOf,
  feesPayable,
  fundsAccount,
  inputConsumptionTax,
  mdrFees,
  receivable,
  refunds,
  requireNonCash,
  sales,
  suspense,
} from './chartOfAccounts.js';
import { CONSUMPTION_TAX_RATE_PPM, FEE_REFUND_POLICY, feeFor } from '../../domain/fees/index.js';
import { entryId, postingId } from './journalIds.js';
import type { BalanceEffect, EntryKind, Hold, HoldKind, JournalEntry, TransferCode } from './journalTypes.js';
import { TRANSFER_CODES, holdKeyOf } from './journalTypes.js';

export type PostingInput = Readonly<{
  /** The recorded event's id: every entry and posting id derives from it. */
  eventId: string;
  event: PaymentIntentEvent;
  businessDate: string;
  /** The store's fees for a provider code at this point of the log, or null when none is configured. */
  feesFor: (providerCode: string) => ProviderFees | null;
  /** The hold under a key as it stands before this event (see `holdKeyTouchedBy`). */
  holdOf: (holdKey: string) => Hold | undefined;
}>;

export type PostingResult = Readonly<{
  entries: readonly JournalEntry[];
  /** Holds opened or resolved by the event, in their new state. */
  holds: readonly Hold[];
}>;

type Line = Readonly<{ account: Account; direction: 'debit' | 'credit'; amountMinor: number; effect: BalanceEffect }>;
type Draft = Readonly<{ code: TransferCode; kind: EntryKind; holdKey: string | null; metadata: JsonObject; lines: readonly Line[] }>;
type Plan = Readonly<{ drafts: readonly Draft[]; holds: readonly Hold[] }>;

const NOTHING: Plan = Object.freeze({ drafts: [], holds: [] });

function transfer(debit: Account, credit: Account, amountMinor: number, effect: BalanceEffect): Line[] {
  return [
    { account: debit, direction: 'debit', amountMinor, effect },
    { account: credit, direction: 'credit', amountMinor, effect },
  ];
}

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

function planFor(input: PostingInput): Plan {
  const { event } = input;
  switch (event.type) {
    case 'PaymentIntentCreated':
    case 'PaymentAttemptStarted':
    case 'PaymentAttemptFailed':
    case 'PaymentAttemptOutcomeUnknown':
      return NOTHING;
    case 'CashPaymentReceived': {
      const { amount, tendered, change, attemptId } = event.data;
      const channel = channelOf(event.data);
      const metadata = { attempt_id: attemptId, tendered_minor: tendered.amountMinor, change_minor: change.amountMinor };
      const lines = transfer(fundsAccount(event.data, channel), sales(event.data, channel), amount.amountMinor, 'posted');
      return { drafts: [{ code: TRANSFER_CODES.sale_cash, kind: 'posted', holdKey: null, metadata, lines }], holds: [] };
    }
    case 'PaymentAttemptSucceeded': {
      const { amount, attemptId, details } = event.data;
      const channel = requireNonCash(channelOf(event.data), event.type);
      const code = channel.kind === 'card' ? TRANSFER_CODES.sale_card : TRANSFER_CODES.sale_pgw;
      const metadata = { attempt_id: attemptId, ...detailsMetadata(details) };
      const sale: Draft = { code, kind: 'posted', holdKey: null, metadata, lines: transfer(receivable(event.data, channel), sales(event.data, channel), amount.amountMinor, 'posted') };
      return { drafts: [sale, ...feeAccrual(input, channel, amount.amountMinor, amount.currency)], holds: [] };
    }
    case 'PaymentAttemptAuthorized': {
      const { amountAuthorized, attemptId, captureBefore, details } = event.data;
      const channel = requireNonCash(channelOf(event.data), event.type);
      const holdKey = holdKeyOf.authorization(event.data.paymentIntentId, attemptId);
      const metadata = { attempt_id: attemptId, capture_before: captureBefore, ...detailsMetadata(details) };
      const lines = transfer(receivable(event.data, channel), sales(event.data, channel), amountAuthorized.amountMinor, 'pending');
      const draft: Draft = { code: TRANSFER_CODES.auth_hold, kind: 'pending', holdKey, metadata, lines };
      return { drafts: [draft], holds: openHold(input, 'authorization', holdKey, amountAuthorized.amountMinor, amountAuthorized.currency) };
    }
    case 'PaymentIntentCaptured': {
      const { amountCaptured, amountReleased, attemptId } = event.data;
      const channel = requireNonCash(channelOf(event.data), event.type);
      const holdKey = holdKeyOf.authorization(event.data.paymentIntentId, attemptId);
      const hold = resolveHold(input, holdKey, 'posted', () => amountCaptured.amountMinor);
      const metadata = { attempt_id: attemptId, pending_entry_id: hold.pendingEntryId, amount_captured_minor: amountCaptured.amountMinor, amount_released_minor: amountReleased.amountMinor };
      const lines = postLines(receivable(event.data, channel), sales(event.data, channel), hold);
      const post: Draft = { code: TRANSFER_CODES.capture_post, kind: 'post_pending', holdKey, metadata, lines };
      return { drafts: [post, ...feeAccrual(input, channel, amountCaptured.amountMinor, amountCaptured.currency)], holds: [hold] };
    }
    case 'PaymentIntentCanceled':
    case 'PaymentIntentExpired': {
      const { amountReleased, attemptId, cancellationReason } = event.data;
      if (amountReleased.amountMinor === 0) return NOTHING;
      if (attemptId === null) throw new UnpostableEventError(`${event.type} releases ${amountReleased.amountMinor} but names no attempt`);
      const channel = requireNonCash(channelOf(event.data), event.type);
      const holdKey = holdKeyOf.authorization(event.data.paymentIntentId, attemptId);
      const hold = resolveHold(input, holdKey, 'voided', () => 0);
      const metadata = { attempt_id: attemptId, pending_entry_id: hold.pendingEntryId, amount_released_minor: amountReleased.amountMinor, cancellation_reason: cancellationReason };
      const lines = transfer(receivable(event.data, channel), sales(event.data, channel), hold.amountMinor, 'pending_released');
      return { drafts: [{ code: TRANSFER_CODES.auth_void, kind: 'void_pending', holdKey, metadata, lines }], holds: [hold] };
    }
    case 'RefundRequested': {
      const { amount, refundId, reason } = event.data;
      const channel = channelOf(event.data);
      const holdKey = holdKeyOf.refund(event.data.paymentIntentId, refundId);
      const metadata = { refund_id: refundId, reason, fee_refund_policy: FEE_REFUND_POLICY };
      const lines = transfer(refunds(event.data, channel), fundsAccount(event.data, channel), amount.amountMinor, 'pending');
      const draft: Draft = { code: TRANSFER_CODES.refund, kind: 'pending', holdKey, metadata, lines };
      return { drafts: [draft], holds: openHold(input, 'refund', holdKey, amount.amountMinor, amount.currency) };
    }
    case 'RefundSucceeded':
    case 'RefundFailed': {
      const { refundId } = event.data;
      const channel = channelOf(event.data);
      const holdKey = holdKeyOf.refund(event.data.paymentIntentId, refundId);
      const succeeded = event.type === 'RefundSucceeded';
      const hold = succeeded ? resolveHold(input, holdKey, 'posted', (pending) => pending.amountMinor) : resolveHold(input, holdKey, 'voided', () => 0);
      const debit = refunds(event.data, channel);
      const credit = fundsAccount(event.data, channel);
      const outcome = succeeded ? { provider_refund_id: event.data.providerRefundId } : { failure_reason: event.data.failureReason };
      const metadata = { refund_id: refundId, pending_entry_id: hold.pendingEntryId, ...outcome };
      const lines = succeeded ? postLines(debit, credit, hold) : transfer(debit, credit, hold.amountMinor, 'pending_released');
      return { drafts: [{ code: TRANSFER_CODES.refund, kind: succeeded ? 'post_pending' : 'void_pending', holdKey, metadata, lines }], holds: [hold] };
    }
    case 'PaymentAttemptAmountMismatched':
    case 'PaymentAttemptSucceededAfterCancel':
    case 'PaymentAttemptSucceededAfterFailure':
      return moneyInSuspense(input, event.type, event.data.attemptId, event.data.reported, event.data.requiredCompensation);
    case 'PaymentAttemptCompensated': {
      const { amount, attemptId, method } = event.data;
      const channel = requireNonCash(channelOf(event.data), event.type);
      const debit = receivable(event.data, channel);
      const credit = suspense(event.data, channel);
      if (method === 'authorization_voided') {
        const holdKey = holdKeyOf.suspense(event.data.paymentIntentId, attemptId);
        const hold = resolveHold(input, holdKey, 'voided', () => 0);
        const metadata = { attempt_id: attemptId, pending_entry_id: hold.pendingEntryId, compensation_method: method };
        const lines = transfer(debit, credit, hold.amountMinor, 'pending_released');
        return { drafts: [{ code: TRANSFER_CODES.auth_void, kind: 'void_pending', holdKey, metadata, lines }], holds: [hold] };
      }
      const metadata = { attempt_id: attemptId, compensation_method: method };
      const lines = transfer(credit, debit, amount.amountMinor, 'posted');
      return { drafts: [{ code: TRANSFER_CODES.reversal, kind: 'posted', holdKey: null, metadata, lines }], holds: [] };
    }
  }
}

/** Money taken for an attempt the intent cannot accept: into suspense, pending if only authorized. */
function moneyInSuspense(input: PostingInput, lateResult: string, attemptId: string, reported: PositiveOutcome, requiredCompensation: string): Plan {
  const { event } = input;
  const channel = requireNonCash(channelOf(event.data), lateResult);
  const metadata = { attempt_id: attemptId, late_result: lateResult, reported_outcome: reported.outcome, required_compensation: requiredCompensation, ...detailsMetadata(reported.details) };
  const debit = receivable(event.data, channel);
  const credit = suspense(event.data, channel);
  const { amountMinor, currency } = reported.amount;
  if (reported.outcome === 'succeeded') {
    return { drafts: [{ code: TRANSFER_CODES.recon_adjustment, kind: 'posted', holdKey: null, metadata, lines: transfer(debit, credit, amountMinor, 'posted') }], holds: [] };
  }
  const holdKey = holdKeyOf.suspense(event.data.paymentIntentId, attemptId);
  const draft: Draft = { code: TRANSFER_CODES.recon_adjustment, kind: 'pending', holdKey, metadata: { ...metadata, capture_before: reported.captureBefore }, lines: transfer(debit, credit, amountMinor, 'pending') };
  return { drafts: [draft], holds: openHold(input, 'suspense', holdKey, amountMinor, currency) };
}

/** 3001: Dr fees:mdr, Dr tax:input_consumption / Cr fees_payable; none without fees, in another currency, or at zero. */
function feeAccrual(input: PostingInput, channel: NonCashChannel, baseMinor: number, currency: string): Draft[] {
  const providerCode = feeProviderCodeOf(channel);
  const fees = providerCode === null ? null : input.feesFor(providerCode);
  const accrual = feeFor(baseMinor, currency, fees);
  if (providerCode === null || fees === null || accrual === null || accrual.mdrMinor === 0) return [];
  const { mdrMinor, taxMinor, mdrRateExact } = accrual;
  const context = input.event.data;
  const lines: Line[] = [{ account: mdrFees(context, channel), direction: 'debit', amountMinor: mdrMinor, effect: 'posted' }];
  if (taxMinor > 0) lines.push({ account: inputConsumptionTax(context), direction: 'debit', amountMinor: taxMinor, effect: 'posted' });
  lines.push({ account: feesPayable(context, channel), direction: 'credit', amountMinor: mdrMinor + taxMinor, effect: 'posted' });
  const metadata = {
    fee_provider_code: providerCode,
    fee_base_minor: baseMinor,
    fee_rate_ppm: fees.feeRatePpm,
    fixed_fee_minor: fees.fixedFeeMinor,
    mdr_rate_exact: mdrRateExact,
    consumption_tax_rate_ppm: CONSUMPTION_TAX_RATE_PPM,
  };
  return [{ code: TRANSFER_CODES.fee_accrual, kind: 'posted', holdKey: null, metadata, lines }];
}

/** A post: the whole reservation returns, and what is posted moves (TigerBeetle's partial post). */
function postLines(debit: Account, credit: Account, hold: Hold): Line[] {
  return [...transfer(debit, credit, hold.amountMinor, 'pending_released'), ...transfer(debit, credit, hold.amountPostedMinor, 'posted')];
}

function detailsMetadata(details: PositiveOutcome['details']): JsonObject {
  return details.type === 'card'
    ? { approval_number: details.approvalNumber, slip_number: details.slipNumber, brand: details.brand }
    : { provider_payment_id: details.providerPaymentId };
}

/** A new hold; on a replay of the event that opened it, the stored hold stays as it is. */
function openHold(input: PostingInput, kind: HoldKind, holdKey: string, amountMinor: number, currency: string): Hold[] {
  if (input.holdOf(holdKey) !== undefined) return [];
  const { paymentIntentId, occurredAt } = input.event.data;
  const pendingEntryId = entryId(input.eventId, 0);
  return [{ holdKey, kind, paymentIntentId, amountMinor, currency, status: 'pending', amountPostedMinor: 0, pendingEntryId, resolvingEntryId: null, resolvedByEventId: null, createdAt: occurredAt, resolvedAt: null }];
}

/**
 * Resolves a pending hold at most once, posting `amountPosted(hold)` of it (0 for a void); the
 * same event resolving it again (a replay) changes nothing.
 */
function resolveHold(input: PostingInput, holdKey: string, status: 'posted' | 'voided', amountPosted: (hold: Hold) => number): Hold {
  const hold = input.holdOf(holdKey);
  const what = `${input.event.type} (event ${input.eventId})`;
  if (hold === undefined) throw new UnpostableEventError(`${what}: no pending transfer ${holdKey}`);
  if (hold.status !== 'pending') {
    if (hold.resolvedByEventId === input.eventId) return hold;
    throw new UnpostableEventError(`${what}: pending transfer ${holdKey} is already ${hold.status}`);
  }
  const amountPostedMinor = amountPosted(hold);
  if (amountPostedMinor > hold.amountMinor) throw new UnpostableEventError(`${what}: posts ${amountPostedMinor}, more than the ${hold.amountMinor} pending`);
  const { occurredAt } = input.event.data;
  return { ...hold, status, amountPostedMinor, resolvingEntryId: entryId(input.eventId, 0), resolvedByEventId: input.eventId, resolvedAt: occurredAt };
}

/** Numbers the legs across the event's entries and derives every id from the event id. */
function finalize(input: PostingInput, drafts: readonly Draft[]): JournalEntry[] {
  const { eventId, event, businessDate } = input;
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
