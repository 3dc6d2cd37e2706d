/**
 * The public representation of a PaymentIntent (`paymentIntentSchema`), rendered from the folded
 * domain state. Shared by the command side (`GET /v1/payment_intents/:id`, command responses) and
 * the payment intents read model, so the report side stores exactly the JSON the write side returns.
 */
import type { ExistingPaymentIntent, PaymentAttempt } from '../domain/paymentIntent/index.js';
import { amountRefunded, refundStatus } from '../domain/paymentIntent/index.js';
import type { PaymentIntentResource } from './paymentIntent.js';

type NextAction = PaymentIntentResource['next_action'];

/** The public resource of an intent (snake_case, amounts as integers in minor units). */
export function renderPaymentIntent(state: ExistingPaymentIntent): PaymentIntentResource {
  return {
    id: state.paymentIntentId,
    object: 'payment_intent',
    status: state.status,
    mode: state.mode,
    amount: state.amount.amountMinor,
    currency: 'JPY',
    amount_received: state.amountReceived.amountMinor,
    amount_capturable: state.amountCapturable.amountMinor,
    amount_refunded: amountRefunded(state).amountMinor,
    refund_status: refundStatus(state),
    capture_method: state.captureMethod,
    provider: state.provider,
    merchant_id: state.merchantId,
    store_id: state.storeId,
    terminal_id: state.terminalId,
    client_reference_id: state.clientReferenceId,
    created_at: state.createdAt,
    expires_at: state.expiresAt,
    canceled_at: state.status === 'canceled' ? state.canceledAt : null,
    cancellation_reason: state.status === 'canceled' ? state.cancellationReason : null,
    completed_at: state.status === 'completed' ? state.completedAt : null,
    next_action: nextAction(state),
    last_payment_error:
      state.lastPaymentError === null
        ? null
        : {
            type: state.lastPaymentError.type,
            code: state.lastPaymentError.code,
            decline_code: state.lastPaymentError.declineCode,
            message: state.lastPaymentError.message,
            attempt_id: state.lastPaymentError.attemptId,
          },
    attempts: state.attempts.map(renderAttempt),
    refunds: state.refunds.map((refund) => ({
      id: refund.refundId,
      amount: refund.amount.amountMinor,
      reason: refund.reason,
      status: refund.status,
      requested_at: refund.requestedAt,
    })),
  };
}

function nextAction(state: ExistingPaymentIntent): NextAction {
  if (state.status === 'requires_action') {
    if (state.mode === 'external') return { type: 'launch_card_app', attempt_id: state.activeAttemptId };
    const qr = state.attempts.find((attempt) => attempt.attemptId === state.activeAttemptId)?.qr ?? null;
    return { type: 'display_qr', attempt_id: state.activeAttemptId, qr: qr === null ? null : { url: qr.url, deeplink: qr.deeplink, code_id: qr.codeId, expires_at: qr.expiresAt } };
  }
  if (state.status === 'processing') return { type: 'await_provider', attempt_id: state.activeAttemptId };
  return null;
}

function renderAttempt(attempt: PaymentAttempt): PaymentIntentResource['attempts'][number] {
  const details = attempt.reported?.details;
  return {
    id: attempt.attemptId,
    payment_method_type: attempt.paymentMethodType,
    status: attempt.status,
    amount: attempt.amount.amountMinor,
    tendered: attempt.tendered?.amountMinor ?? null,
    change: attempt.tendered === null ? null : attempt.tendered.amountMinor - attempt.amount.amountMinor,
    started_at: attempt.startedAt,
    card: details?.type === 'card' ? { brand: details.brand, masked_pan: details.maskedPan, approval_number: details.approvalNumber } : null,
  };
}
