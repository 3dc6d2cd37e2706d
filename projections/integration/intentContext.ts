/**
 * The little per-intent memory the integration mapping needs, because not every domain event
 * carries it: the order reference (only `PaymentIntentCreated` has it), the amount received and
 * refunded so far (for `payment.refunded.v1` totals) and the method of an authorized attempt (for
 * the `payment.completed.v1` of its capture). The relay keeps it in `relay_intent_context`, written
 * in the same transaction as its checkpoint, so it always equals the fold of the events up to the
 * checkpoint.
 */
import type { PaymentIntentEvent, PaymentMethodDetails } from '../../domain/paymentIntent/index.js';
import type { PaymentMethod } from '../../schemas/integration/index.js';

export type IntentContext = Readonly<{
  clientReferenceId: string | null;
  /** Minor units of the intent's currency. */
  amountReceived: number;
  amountRefunded: number;
  /** The card or QR details of the authorized attempt, until it is captured. */
  authorizedMethod: PaymentMethod | null;
}>;

/** A non-creation event arrived for an intent whose context is unknown (the relay must load it first). */
export class MissingIntentContextError extends Error {
  override readonly name = 'MissingIntentContextError';
  constructor(
    readonly paymentIntentId: string,
    readonly eventType: string,
  ) {
    super(`no integration context for ${paymentIntentId} at ${eventType}: fold its earlier events first`);
  }
}

/** The card or QR details of a domain attempt, as the public contract names them. */
export function toPaymentMethod(details: PaymentMethodDetails): PaymentMethod {
  if (details.type === 'qr') return { type: 'qr', provider_payment_id: details.providerPaymentId };
  return {
    type: 'card',
    brand: details.brand,
    masked_pan: details.maskedPan,
    approval_number: details.approvalNumber,
    slip_number: details.slipNumber,
  };
}

/**
 * The context after `event`. `PaymentIntentCreated` starts it; any other event needs the context
 * before it (throws `MissingIntentContextError` otherwise). Pure.
 */
export function evolveIntentContext(context: IntentContext | undefined, event: PaymentIntentEvent): IntentContext {
  if (event.type === 'PaymentIntentCreated') {
    return { clientReferenceId: event.data.clientReferenceId, amountReceived: 0, amountRefunded: 0, authorizedMethod: null };
  }
  if (context === undefined) throw new MissingIntentContextError(event.data.paymentIntentId, event.type);
  switch (event.type) {
    case 'CashPaymentReceived':
    case 'PaymentAttemptSucceeded':
      return { ...context, amountReceived: event.data.amount.amountMinor };
    case 'PaymentAttemptAuthorized':
      return { ...context, authorizedMethod: toPaymentMethod(event.data.details) };
    case 'PaymentIntentCaptured':
      return { ...context, amountReceived: event.data.amountCaptured.amountMinor };
    case 'RefundSucceeded':
      return { ...context, amountRefunded: context.amountRefunded + event.data.amount.amountMinor };
    case 'PaymentAttemptStarted':
    case 'PaymentAttemptQrIssued':
    case 'PaymentAttemptFailed':
    case 'PaymentAttemptOutcomeUnknown':
    case 'PaymentAttemptAmountMismatched':
    case 'PaymentAttemptSucceededAfterCancel':
    case 'PaymentAttemptSucceededAfterFailure':
    case 'PaymentAttemptCompensated':
    case 'PaymentIntentCanceled':
    case 'PaymentIntentExpired':
    case 'RefundRequested':
    case 'RefundFailed':
      return context;
  }
}
