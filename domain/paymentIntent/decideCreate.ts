/**
 * CreatePaymentIntent (payments.md T1/T2). Guards, in precedence order:
 * ids → timestamps → amount → provider matches the mode → capture method fits the mode →
 * idempotency (same data → `[]`, other data → `already_exists`) → placement (the tenancy facts:
 * store the caller's and open, merchant active, terminal the store's and active, provider
 * enabled; see placement.ts) → expiry after creation. The fact- and clock-dependent rules come
 * after the idempotency check, so a late retry of an accepted create still answers `[]`.
 */
import { Money, isAtOrAfter } from '../shared/index.js';
import type { CreatePaymentIntent } from './commands.js';
import { paymentIntentError } from './errors.js';
import type { PaymentIntentCreated } from './events.js';
import { requireIdentifiers, requireInstants, requirePositiveAmount } from './guards.js';
import { requirePlacement } from './placement.js';
import type { ExistingPaymentIntent, PaymentIntent } from './state.js';

type Creation = CreatePaymentIntent['data'];

function isSameCreation(state: ExistingPaymentIntent, data: Creation): boolean {
  return (
    Money.equals(state.amount, data.amount) &&
    state.mode === data.mode &&
    state.provider === data.provider &&
    state.captureMethod === data.captureMethod &&
    state.clientPartnerId === data.clientPartnerId &&
    data.placement.store.status !== 'not_opened' &&
    state.merchantId === data.placement.store.merchantId &&
    state.storeId === data.storeId &&
    state.terminalId === data.terminalId &&
    state.clientReferenceId === data.clientReferenceId &&
    state.expiresAt === data.expiresAt
  );
}

function requireModeConfiguration(data: Creation): void {
  if ((data.mode === 'pgw_processed') !== (data.provider !== null)) {
    throw paymentIntentError(
      'payment_intent.provider_mismatch',
      'A pgw_processed intent names its provider; manual and external intents name none.',
    );
  }
  if (data.mode === 'manual' && data.captureMethod === 'manual') {
    throw paymentIntentError(
      'payment_intent.capture_method_not_supported',
      'Cash is taken at once; it cannot be held.',
    );
  }
}

export function createPaymentIntent(command: CreatePaymentIntent, state: PaymentIntent): PaymentIntentCreated[] {
  const { data } = command;
  requireIdentifiers({
    paymentIntentId: data.paymentIntentId,
    clientPartnerId: data.clientPartnerId,
    storeId: data.storeId,
    terminalId: data.terminalId,
    clientReferenceId: data.clientReferenceId,
    provider: data.provider,
  });
  requireInstants({ now: data.now, expiresAt: data.expiresAt });
  const amount = requirePositiveAmount(data.amount, 'amount');
  requireModeConfiguration(data);
  if (state.status !== 'absent') {
    if (isSameCreation(state, data)) return [];
    throw paymentIntentError('payment_intent.already_exists', `${data.paymentIntentId} was created with other data.`);
  }
  const merchantId = requirePlacement(data);
  requireIdentifiers({ merchantId });
  if (isAtOrAfter(data.now, data.expiresAt)) {
    throw paymentIntentError('payment_intent.invalid_expiry', 'expiresAt must be after now.');
  }
  const event: PaymentIntentCreated = {
    type: 'PaymentIntentCreated',
    data: {
      paymentIntentId: data.paymentIntentId,
      mode: data.mode,
      provider: data.provider,
      clientPartnerId: data.clientPartnerId,
      merchantId,
      storeId: data.storeId,
      terminalId: data.terminalId,
      occurredAt: data.now,
      amount,
      captureMethod: data.captureMethod,
      clientReferenceId: data.clientReferenceId,
      expiresAt: data.expiresAt,
    },
  };
  return [event];
}
