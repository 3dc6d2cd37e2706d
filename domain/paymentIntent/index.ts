/** The public surface of the PaymentIntent aggregate: import from here, never from its files. */
import type { Decider } from '../shared/index.js';
import type { PaymentIntentCommand } from './commands.js';
import { decide } from './decide.js';
import type { PaymentIntentEvent } from './events.js';
import { evolve, initialState } from './paymentIntent.js';
import type { PaymentIntent } from './state.js';

export type * from './commands.js';
export type * from './events.js';
export type * from './state.js';
export type * from './vocabulary.js';
export type * from './placement.js';
export { paymentIntentEventTypes } from './events.js';
export { compensationMethodsByRequirement, paymentMethodTypeByMode } from './vocabulary.js';
export { isPaymentIntentError, paymentIntentError, paymentIntentErrorMeanings } from './errors.js';
export type { PaymentIntentError, PaymentIntentErrorCode } from './errors.js';
export {
  cancelPaymentIntent,
  capturePaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
  createRefund,
  decide,
  expirePaymentIntent,
  recordAttemptCompensation,
  reportCardResult,
  reportProviderResult,
  reportRefundResult,
} from './decide.js';
export { evolve, fold, initialState } from './paymentIntent.js';
export { amountRefundCommitted, amountRefundPending, amountRefundable, amountRefunded, attemptsRequiringCompensation, refundStatus } from './derived.js';
export type { IntentRefundStatus } from './derived.js';
export { findAttempt, findRefund } from './state.js';

/** The aggregate as one value, for generic command handlers and specifications. */
export const paymentIntentDecider: Decider<PaymentIntentCommand, PaymentIntentEvent, PaymentIntent> = Object.freeze({
  decide,
  evolve,
  initialState,
});

/** Every PaymentIntent stream name starts with it: the one definition (filters, codec, projectors). */
export const PAYMENT_INTENT_STREAM_PREFIX = 'PaymentIntent-';

/** The one place a PaymentIntent stream name is made. @example toPaymentIntentStreamName('pi_01') // 'PaymentIntent-pi_01' */
export function toPaymentIntentStreamName(paymentIntentId: string): string {
  return `${PAYMENT_INTENT_STREAM_PREFIX}${paymentIntentId}`;
}

/** The intent id of a PaymentIntent stream name. @example paymentIntentIdOfStream('PaymentIntent-pi_01') // 'pi_01' */
export function paymentIntentIdOfStream(stream: string): string {
  return stream.slice(PAYMENT_INTENT_STREAM_PREFIX.length);
}
