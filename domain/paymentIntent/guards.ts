/**
 * Guard clauses shared by the per-command decisions. Each one either returns (possibly a
 * normalised value) or throws a `DomainError` naming the one rule that was broken. Details never
 * echo the offending value: it may be anything, including a card number typed into the wrong field.
 */
import { Money, assert, currencies, isIdentifier, isIsoInstant } from '../shared/index.js';
import { paymentIntentError } from './errors.js';
import type { PaymentIntentError } from './errors.js';
import type { PaymentIntentContext } from './events.js';
import type { ExistingPaymentIntent, PaymentIntent } from './state.js';
import { paymentMethodTypeByMode } from './vocabulary.js';
import type { PaymentMethodType } from './vocabulary.js';

/** Every non-null value must be an identifier a provider accepts as a reference. */
export function requireIdentifiers(fields: Readonly<Record<string, string | null>>): void {
  for (const [field, value] of Object.entries(fields)) {
    if (value !== null && !isIdentifier(value)) {
      throw paymentIntentError('payment_intent.invalid_id', `${field} must be 1–64 characters of [A-Za-z0-9_-].`);
    }
  }
}

/** Every non-null value must be a canonical instant, so instants order as strings. */
export function requireInstants(fields: Readonly<Record<string, string | null>>): void {
  for (const [field, value] of Object.entries(fields)) {
    if (value !== null && !isIsoInstant(value)) {
      throw paymentIntentError('payment_intent.invalid_timestamp', `${field} must look like 2025-06-01T10:00:00.000Z.`);
    }
  }
}

/** A safe integer ≥ 1 in a known currency; returned frozen and stripped of any other field. */
export function requirePositiveAmount(amount: Money, field: string): Money {
  const knownCurrency = (currencies as readonly string[]).includes(amount.currency);
  if (!knownCurrency || !Number.isSafeInteger(amount.amountMinor) || amount.amountMinor < 1) {
    throw paymentIntentError('payment_intent.invalid_amount', `${field} must be a safe integer ≥ 1 minor unit.`);
  }
  return Money.of(amount.amountMinor, amount.currency);
}

export function requireCurrency(state: ExistingPaymentIntent, amount: Money, field: string): void {
  if (amount.currency !== state.amount.currency) {
    throw paymentIntentError('payment_intent.currency_mismatch', `${field} is in ${amount.currency}; the intent is in ${state.amount.currency}.`);
  }
}

/**
 * The intent must exist. That the command's id is the stream's id is the handler's job: a
 * mismatch is a programmer error, not a refusal.
 */
export function requireExisting(state: PaymentIntent, paymentIntentId: string): ExistingPaymentIntent {
  if (state.status === 'absent') {
    throw paymentIntentError('payment_intent.not_found', 'Create the payment intent first.');
  }
  assert(state.paymentIntentId === paymentIntentId, 'command routed to another intent’s stream');
  return state;
}

export function requireMode(state: ExistingPaymentIntent, paymentMethodType: PaymentMethodType): void {
  if (paymentMethodTypeByMode[state.mode] !== paymentMethodType) {
    throw paymentIntentError('payment_intent.mode_mismatch', `A ${paymentMethodType} command does not apply to a ${state.mode} intent.`);
  }
}

export function invalidTransition(state: ExistingPaymentIntent, commandType: string): PaymentIntentError {
  return paymentIntentError('payment_intent.invalid_state_transition', `${commandType} is not allowed when the intent is ${state.status}.`);
}

/** The fields every event of this intent carries. */
export function contextOf(state: ExistingPaymentIntent, now: string): PaymentIntentContext {
  return {
    paymentIntentId: state.paymentIntentId,
    mode: state.mode,
    provider: state.provider,
    clientPartnerId: state.clientPartnerId,
    merchantId: state.merchantId,
    storeId: state.storeId,
    terminalId: state.terminalId,
    occurredAt: now,
  };
}
