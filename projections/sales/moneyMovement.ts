/**
 * The one question sales and settlement both ask of a PaymentIntent event: did money move, and
 * where does it count? A `MoneyMovement` is a completed payment or a succeeded refund, placed on
 * the business date of its own instant at the intent's store, with the fee accrued on it.
 *
 * Per event:
 * - `CashPaymentReceived` — a cash sale of `amount` (no fee).
 * - `PaymentAttemptSucceeded` — a card or QR sale of `amount` (auto-captured).
 * - `PaymentIntentCaptured` — a sale of `amountCaptured` (a partial capture counts only what was
 *   captured; the released rest and the earlier `PaymentAttemptAuthorized` hold are not sales).
 * - `RefundSucceeded` — a refund of `amount` on the refund's own business date, against the
 *   intent's store, terminal, mode and provider. No fee comes back (fee_refund_policy = none, the
 *   default of payments.md (b) item 4, until a provider statement shows otherwise).
 * Everything else moves no sale: requests, holds, failures, cancels and expiries, and the late
 * positive results of a canceled or failed attempt and their compensation (that money goes back).
 *
 * Fees: card payments (`external`) use the store's `card` provider config (its acquirer), QR
 * payments (`pgw_processed`) the intent's provider's config, cash none; the config in force at this
 * point of the log (TenancyReference), computed by the one fee rule the journal uses too
 * (domain/fees): a config applies only to payments in its currency.
 */
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import type { CashPaymentReceived, PaymentAttemptSucceeded, PaymentIntentCaptured, PaymentIntentEvent, PaymentMode, RefundSucceeded } from '../../domain/paymentIntent/index.js';
import type { Money } from '../../domain/shared/index.js';
import { paymentIntentEventOf } from '../runtime/paymentLog.js';
import type { TenancyReference } from '../tenancyReference/index.js';
import { feeFor } from '../../domain/fees/index.js';

/** The provider code of a store's card acquirer configuration. */
export const CARD_PROVIDER_CODE = 'card';
/** The `provider` of a movement that no provider settles (cash). Stored as this token, never null. */
export const NO_PROVIDER = '';

export const MONEY_MOVEMENT_EVENT_TYPES = ['CashPaymentReceived', 'PaymentAttemptSucceeded', 'PaymentIntentCaptured', 'RefundSucceeded'] as const;

type MovingEvent = CashPaymentReceived | PaymentAttemptSucceeded | PaymentIntentCaptured | RefundSucceeded;

const movingTypes: ReadonlySet<string> = new Set(MONEY_MOVEMENT_EVENT_TYPES);

export type MoneyMovement = Readonly<{
  kind: 'payment' | 'refund';
  businessDate: string;
  clientPartnerId: string;
  merchantId: string;
  storeId: string;
  terminalId: string;
  mode: PaymentMode;
  /** Who settles the money: `card` (the store's acquirer), the QR provider, or NO_PROVIDER (cash). */
  provider: string;
  currency: string;
  amountMinor: number;
  /** The fee accrued on a payment (MDR + consumption tax); always 0 on a refund. */
  feeMinor: number;
}>;

/** `card` for card payments, the intent's provider for QR, NO_PROVIDER for cash. */
export function settlingProvider(mode: PaymentMode, intentProvider: string | null): string {
  switch (mode) {
    case 'manual':
      return NO_PROVIDER;
    case 'external':
      return CARD_PROVIDER_CODE;
    case 'pgw_processed':
      return intentProvider ?? NO_PROVIDER;
  }
}

function isMovingEvent(event: PaymentIntentEvent): event is MovingEvent {
  return movingTypes.has(event.type);
}

function movedMoney(event: MovingEvent): Readonly<{ kind: MoneyMovement['kind']; money: Money }> {
  switch (event.type) {
    case 'CashPaymentReceived':
    case 'PaymentAttemptSucceeded':
      return { kind: 'payment', money: event.data.amount };
    case 'PaymentIntentCaptured':
      return { kind: 'payment', money: event.data.amountCaptured };
    case 'RefundSucceeded':
      return { kind: 'refund', money: event.data.amount };
  }
}

function feeOn(reference: TenancyReference, storeId: string, provider: string, money: Money): number {
  if (provider === NO_PROVIDER) return 0;
  return feeFor(money.amountMinor, money.currency, reference.fees(storeId, provider))?.totalMinor ?? 0;
}

/**
 * The movement of `event`, or undefined when it moves no sale. Call it after
 * `reference.observe(event)`, in log order, so the schedule and fees are those in force then.
 * A PaymentIntent event is decoded through its codec: one it cannot read throws
 * `UndecodableEventError` and the runtime parks it rather than skip a sale.
 */
export function moneyMovementOf(event: RecordedEvent, reference: TenancyReference): MoneyMovement | undefined {
  // By type first: an event of another type moves nothing, so it is not even decoded here.
  if (!movingTypes.has(event.type)) return undefined;
  const decoded = paymentIntentEventOf(event);
  if (decoded === undefined || !isMovingEvent(decoded)) return undefined;
  const moving = decoded;
  const { data } = moving;
  const { kind, money } = movedMoney(moving);
  const provider = settlingProvider(data.mode, data.provider);
  return {
    kind,
    businessDate: reference.businessDate(data.storeId, data.occurredAt),
    clientPartnerId: data.clientPartnerId,
    merchantId: data.merchantId,
    storeId: data.storeId,
    terminalId: data.terminalId,
    mode: data.mode,
    provider,
    currency: money.currency,
    amountMinor: money.amountMinor,
    feeMinor: kind === 'payment' ? feeOn(reference, data.storeId, provider, money) : 0,
  };
}
