/**
 * Domain → integration mapping for PaymentIntent events (ARCHITECTURE.md §8). Pure: the same domain
 * event and context always give the same integration events, ids included, so a relay that
 * re-publishes after a crash sends byte-identical messages.
 *
 * | domain event                                   | integration event     |
 * | ---------------------------------------------- | --------------------- |
 * | CashPaymentReceived, PaymentAttemptSucceeded,  | payment.completed.v1  |
 * | PaymentIntentCaptured                          |                       |
 * | PaymentAttemptFailed, PaymentAttemptAmountMismatched | payment.failed.v1 |
 * | PaymentIntentCanceled, PaymentIntentExpired    | payment.canceled.v1   |
 * | RefundSucceeded                                | payment.refunded.v1   |
 * | anything else (incl. an authorization: a hold)  | nothing (internal)    |
 */
import type { PaymentIntentEvent } from '../../domain/paymentIntent/index.js';
import { paymentMethodTypeByMode } from '../../domain/paymentIntent/index.js';
import type { Money } from '../../domain/shared/index.js';
import type { OutgoingIntegrationEvent, PaymentIntegrationEvent, PaymentMethod } from '../../schemas/integration/index.js';

export type { OutgoingIntegrationEvent } from '../../schemas/integration/index.js';
import { integrationHeaders } from '../../schemas/integration/index.js';
import { integrationEventId } from './integrationEventId.js';
import type { IntentContext } from './intentContext.js';
import { evolveIntentContext, toPaymentMethod } from './intentContext.js';

/** A domain event of a PaymentIntent stream with what the mapping needs from its envelope. */
export type SourceEvent = Readonly<{
  /** The stored event's id (a UUID). */
  id: string;
  event: PaymentIntentEvent;
  /** W3C trace context from the event metadata, or null. */
  traceparent: string | null;
}>;

export type MappedEvent = Readonly<{
  /** The intent's context after this event. */
  context: IntentContext;
  outgoing: readonly OutgoingIntegrationEvent[];
}>;

type Envelope<Type extends PaymentIntegrationEvent['type']> = Pick<
  Extract<PaymentIntegrationEvent, { type: Type }>,
  | 'id'
  | 'type'
  | 'schema_version'
  | 'occurred_at'
  | 'payment_intent_id'
  | 'client_reference_id'
  | 'client_partner_id'
  | 'merchant_id'
  | 'store_id'
  | 'terminal_id'
  | 'mode'
  | 'provider'
  | 'currency'
>;

function envelope<Type extends PaymentIntegrationEvent['type']>(type: Type, source: SourceEvent, context: IntentContext, currency: Money['currency']): Envelope<Type> {
  const { data } = source.event;
  return {
    id: integrationEventId(source.id, type),
    type,
    schema_version: 1,
    occurred_at: data.occurredAt,
    payment_intent_id: data.paymentIntentId,
    client_reference_id: context.clientReferenceId,
    client_partner_id: data.clientPartnerId,
    merchant_id: data.merchantId,
    store_id: data.storeId,
    terminal_id: data.terminalId,
    mode: data.mode,
    provider: data.provider,
    currency,
  } as Envelope<Type>;
}

function completed(source: SourceEvent, context: IntentContext, attemptId: string, amount: Money, method: PaymentMethod): PaymentIntegrationEvent {
  return { ...envelope('payment.completed.v1', source, context, amount.currency), attempt_id: attemptId, amount: amount.amountMinor, payment_method: method };
}

function capturedMethod(context: IntentContext, paymentIntentId: string): PaymentMethod {
  if (context.authorizedMethod === null) throw new Error(`${paymentIntentId} was captured without a recorded authorization`);
  return context.authorizedMethod;
}

/** The integration event `event` announces (after its context is applied), or null. */
function toIntegrationEvent(source: SourceEvent, context: IntentContext): PaymentIntegrationEvent | null {
  const event: PaymentIntentEvent = source.event;
  const methodType = paymentMethodTypeByMode[event.data.mode];
  switch (event.type) {
    case 'CashPaymentReceived': {
      const { amount, tendered, change, attemptId } = event.data;
      return completed(source, context, attemptId, amount, { type: 'cash', tendered: tendered.amountMinor, change: change.amountMinor });
    }
    case 'PaymentAttemptSucceeded':
      return completed(source, context, event.data.attemptId, event.data.amount, toPaymentMethod(event.data.details));
    case 'PaymentIntentCaptured':
      return completed(source, context, event.data.attemptId, event.data.amountCaptured, capturedMethod(context, event.data.paymentIntentId));
    case 'PaymentAttemptFailed':
    case 'PaymentAttemptAmountMismatched': {
      const amount = event.type === 'PaymentAttemptFailed' ? event.data.amount : event.data.amountExpected;
      const { type, code, declineCode, message } = event.data.error;
      return {
        ...envelope('payment.failed.v1', source, context, amount.currency),
        attempt_id: event.data.attemptId,
        amount: amount.amountMinor,
        payment_method_type: methodType,
        failure: { type, code, decline_code: declineCode, message },
      };
    }
    case 'PaymentIntentCanceled':
    case 'PaymentIntentExpired': {
      const { amount, cancellationReason, statusBefore, amountReleased } = event.data;
      return {
        ...envelope('payment.canceled.v1', source, context, amount.currency),
        amount: amount.amountMinor,
        cancellation_reason: cancellationReason,
        status_before: statusBefore,
        amount_released: amountReleased.amountMinor,
      };
    }
    case 'RefundSucceeded':
      return {
        ...envelope('payment.refunded.v1', source, context, event.data.amount.currency),
        refund_id: event.data.refundId,
        amount_refunded: event.data.amount.amountMinor,
        total_refunded: context.amountRefunded,
        amount_received: context.amountReceived,
        refund_status: context.amountRefunded >= context.amountReceived ? 'full' : 'partial',
        payment_method_type: methodType,
      };
    case 'PaymentIntentCreated':
    case 'PaymentAttemptStarted':
    case 'PaymentAttemptQrIssued':
    case 'PaymentAttemptAuthorized':
    case 'PaymentAttemptOutcomeUnknown':
    case 'PaymentAttemptSucceededAfterCancel':
    case 'PaymentAttemptSucceededAfterFailure':
    case 'PaymentAttemptCompensated':
    case 'RefundRequested':
    case 'RefundFailed':
      return null;
  }
}

/**
 * Maps one domain event, given the intent's context before it (undefined only before
 * `PaymentIntentCreated`), to zero or one integration event and the context after it.
 *
 * @example
 * const { outgoing, context } = mapPaymentIntentEvent({ id, event: cashReceived, traceparent: null }, contextAfterCreate);
 * // outgoing[0].event.type === 'payment.completed.v1', outgoing[0].key === cashReceived.data.paymentIntentId
 */
export function mapPaymentIntentEvent(source: SourceEvent, contextBefore: IntentContext | undefined): MappedEvent {
  const context = evolveIntentContext(contextBefore, source.event);
  const event = toIntegrationEvent(source, context);
  if (event === null) return { context, outgoing: [] };
  return { context, outgoing: [{ key: event.payment_intent_id, event, headers: integrationHeaders(event, source.traceparent) }] };
}
