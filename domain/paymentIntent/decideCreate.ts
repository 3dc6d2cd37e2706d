/**
 * CreatePaymentIntent (payments.md T1/T2). Guards, in precedence order:
 * ids → timestamps → amount → placement (the tenancy facts in the command: the caller's store,
 * open, its merchant active, the store's terminal, active, the provider enabled; placement.ts) →
 * provider matches the mode → capture method fits the mode → idempotency (same data → `[]`,
 * other data → `already_exists`) → expiry after creation. Placement comes before the mode rules,
 * as it did when it was checked in command/: a store that is not the caller's answers 404 whatever
 * the body. The clock-dependent rule comes after the idempotency check, so a late retry of an
 * accepted create still answers `[]`.
 */
import { Money, isAtOrAfter } from '../shared/index.js';
import type { CreatePaymentIntent } from './commands.js';
import { paymentIntentError } from './errors.js';
import type { PaymentIntentCreated } from './events.js';
import { requireIdentifiers, requireInstants, requirePositiveAmount } from './guards.js';
import { requirePlacement } from './placement.js';
import type { ExistingPaymentIntent, PaymentIntent } from './state.js';

type Creation = CreatePaymentIntent['data'];

function isSameCreation(state: ExistingPaymentIntent, data: Creation, merchantId: string): boolean {
  return (
    Money.equals(state.amount, data.amount) &&
    state.mode === data.mode &&
    state.provider === data.provider &&
    state.captureMethod === data.captureMethod &&
    state.clientPartnerId === data.clientPartnerId &&
    state.merchantId === merchantId &&
    state.storeId === data.storeId &&
    state.terminalId === data.terminalId &&
    state.clientReferenceId === data.clientReferenceId &&
    state.expiresAt === data.expiresAt
  );
}

function requireModeConfiguration(data: Creation): void {
  if ((data.mode === 'pgw_processed') !== (data.provider !== null)) {
    throw paymentIntentError('payment_intent.provider_mismatch', 'A pgw_processed intent names its provider; manual and external intents name none.');
  }
  if (data.mode === 'manual' && data.captureMethod === 'manual') {
    throw paymentIntentError('payment_intent.capture_method_not_supported', 'Cash is taken at once; it cannot be held.');
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
  const merchantId = requirePlacement(data);
  requireIdentifiers({ merchantId });
  requireModeConfiguration(data);
  if (state.status !== 'absent') {
    if (isSameCreation(state, data, merchantId)) return [];
    throw paymentIntentError('payment_intent.already_exists', `${data.paymentIntentId} was created with other data.`);
  }
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
