/**
 * CreateRefund and ReportRefundResult (payments.md refund machine R1–R5). Refunds are partial and
 * multiple, only from `completed`, to the original payment method, and
 * `Σ(pending + succeeded refunds) ≤ amountReceived` (I4) is decided here, in the intent's stream,
 * so two concurrent refunds cannot both pass. Cash and card refunds complete on request (the
 * terminal handed the cash back, or the card app refunded); a QR refund stays `pending` until the
 * provider's answer arrives.
 *
 * CreateRefund guards, in precedence order: ids/timestamp/amount → intent exists → currency →
 * refund id already used (same data → `[]`, other data → `refund_id_conflict`) → status is
 * `completed` → the amount fits what is still refundable.
 * ReportRefundResult guards: ids/timestamp → intent exists → QR mode → refund exists → a pending
 * refund resolves; a re-report answers `[]`; a contradiction is `refund_result_conflict`.
 */
import { Money } from '../shared/index.js';
import type { CreateRefund, RefundResult, ReportRefundResult } from './commands.js';
import { amountRefundable } from './derived.js';
import { paymentIntentError } from './errors.js';
import type { RefundFailed, RefundRequested, RefundSucceeded } from './events.js';
import { contextOf, invalidTransition, requireCurrency, requireExisting, requireIdentifiers, requireInstants, requireMode, requirePositiveAmount } from './guards.js';
import { findRefund } from './state.js';
import type { PaymentIntent, Refund } from './state.js';
import { paymentMethodTypeByMode } from './vocabulary.js';

export function createRefund(command: CreateRefund, state: PaymentIntent): (RefundRequested | RefundSucceeded)[] {
  const { data } = command;
  requireIdentifiers({ refundId: data.refundId });
  requireInstants({ now: data.now });
  const amount = requirePositiveAmount(data.amount, 'amount');
  const existing = requireExisting(state, data.paymentIntentId);
  requireCurrency(existing, amount, 'amount');
  const known = findRefund(existing, data.refundId);
  if (known !== undefined) {
    if (Money.equals(known.amount, amount) && known.reason === data.reason) return [];
    throw paymentIntentError('payment_intent.refund_id_conflict', `${data.refundId} was requested with other data.`);
  }
  if (existing.status !== 'completed') throw invalidTransition(existing, command.type);
  const refundable = amountRefundable(existing);
  if (Money.compare(amount, refundable) > 0) {
    throw paymentIntentError('payment_intent.refund_exceeds_received', `${amount.amountMinor} exceeds the ${refundable.amountMinor} still refundable.`);
  }
  const context = contextOf(existing, data.now);
  const paymentMethodType = paymentMethodTypeByMode[existing.mode];
  const requested: RefundRequested = {
    type: 'RefundRequested',
    data: { ...context, refundId: data.refundId, amount, reason: data.reason, paymentMethodType },
  };
  if (existing.mode === 'pgw_processed') return [requested];
  const succeeded: RefundSucceeded = {
    type: 'RefundSucceeded',
    data: { ...context, refundId: data.refundId, amount, providerRefundId: null },
  };
  return [requested, succeeded];
}

function isSameResult(refund: Refund, result: RefundResult): boolean {
  if (result.outcome === 'succeeded') {
    return refund.status === 'succeeded' && refund.providerRefundId === result.providerRefundId;
  }
  return refund.status === 'failed' && refund.failureReason === result.failureReason;
}

export function reportRefundResult(command: ReportRefundResult, state: PaymentIntent): (RefundSucceeded | RefundFailed)[] {
  const { data } = command;
  const { result } = data;
  requireIdentifiers({
    refundId: data.refundId,
    providerRefundId: result.outcome === 'succeeded' ? result.providerRefundId : null,
  });
  requireInstants({ now: data.now });
  const existing = requireExisting(state, data.paymentIntentId);
  requireMode(existing, 'qr');
  const refund = findRefund(existing, data.refundId);
  if (refund === undefined) {
    throw paymentIntentError('payment_intent.refund_not_found', `No refund ${data.refundId} on this intent.`);
  }
  if (refund.status !== 'pending') {
    if (isSameResult(refund, result)) return [];
    const detail = `Refund ${data.refundId} is already ${refund.status}.`;
    throw paymentIntentError('payment_intent.refund_result_conflict', detail);
  }
  const resolved = { ...contextOf(existing, data.now), refundId: refund.refundId, amount: refund.amount };
  if (result.outcome === 'succeeded') {
    return [{ type: 'RefundSucceeded', data: { ...resolved, providerRefundId: result.providerRefundId } }];
  }
  return [{ type: 'RefundFailed', data: { ...resolved, failureReason: result.failureReason } }];
}
