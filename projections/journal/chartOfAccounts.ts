/**
 * The merchant books' chart of accounts (payments.md b.2): account paths with merchant, store,
 * QR provider and card acquirer dimensions, Formance-style. `m` = merchant, `s` = store, `p` = QR
 * provider code, `a` = card acquirer — today always `card`, the provider code under which a store
 * configures its card acquirer's fees.
 */
import type { PaymentIntentContext } from '../../domain/paymentIntent/index.js';

export type Direction = 'debit' | 'credit';

export type AccountType = 'asset' | 'liability' | 'revenue' | 'contra_revenue' | 'expense';

/** The chart code (TigerBeetle `code`) of each account kind this journal posts to. */
export const ACCOUNT_CODES = Object.freeze({
  cashDrawer: '1100',
  receivablePgw: '1200',
  receivableCard: '1210',
  inputConsumptionTax: '1400',
  feesPayable: '2100',
  suspense: '2900',
  sales: '4100',
  refunds: '4190',
  mdrFees: '5100',
} as const);

export type AccountCode = (typeof ACCOUNT_CODES)[keyof typeof ACCOUNT_CODES];

/** Where an account sits in the tenancy tree; `storeId` is null for merchant-level accounts (fees, tax). */
export type AccountOwner = Readonly<{ clientPartnerId: string; merchantId: string; storeId: string | null }>;

export type Account = Readonly<{
  path: string;
  code: AccountCode;
  type: AccountType;
  /** Balance = debits − credits for a debit-normal account, credits − debits for a credit-normal one. */
  normalSide: Direction;
  owner: AccountOwner;
}>;

/** The card acquirer dimension `a`: a store's card fees are configured under provider code `card`. */
export const CARD_ACQUIRER = 'card';

/** How money moved, which picks the accounts: the till, the card acquirer, or a QR provider. */
export type Channel = Readonly<{ kind: 'cash' }> | Readonly<{ kind: 'card'; acquirer: string }> | Readonly<{ kind: 'pgw'; provider: string }>;

/** Thrown for an event the chart cannot place (a QR intent without a provider): the projection stops. */
export class UnpostableEventError extends Error {
  override readonly name = 'UnpostableEventError';
}

export function channelOf(context: PaymentIntentContext): Channel {
  switch (context.mode) {
    case 'manual':
      return { kind: 'cash' };
    case 'external':
      return { kind: 'card', acquirer: CARD_ACQUIRER };
    case 'pgw_processed':
      if (context.provider === null) throw new UnpostableEventError(`QR intent ${context.paymentIntentId} has no provider`);
      return { kind: 'pgw', provider: context.provider };
  }
}

/** The provider code whose configured fees apply to the channel (`card` for the acquirer); null for cash. */
export function feeProviderCodeOf(channel: Channel): string | null {
  switch (channel.kind) {
    case 'cash':
      return null;
    case 'card':
      return channel.acquirer;
    case 'pgw':
      return channel.provider;
  }
}

/** The path segment of a channel: `cash`, `card:{a}` or `pgw:{p}`. */
function channelSegment(channel: Channel): string {
  switch (channel.kind) {
    case 'cash':
      return 'cash';
    case 'card':
      return `card:${channel.acquirer}`;
    case 'pgw':
      return `pgw:${channel.provider}`;
  }
}

/** The counterparty segment of merchant-level fee accounts and of suspense: `{p}` or `{a}`. */
function counterpartyOf(channel: Exclude<Channel, { kind: 'cash' }>): string {
  return channel.kind === 'card' ? channel.acquirer : channel.provider;
}

export type NonCashChannel = Exclude<Channel, { kind: 'cash' }>;

export function requireNonCash(channel: Channel, what: string): NonCashChannel {
  if (channel.kind === 'cash') throw new UnpostableEventError(`${what} cannot happen to a cash payment`);
  return channel;
}

const storeOwner = (context: PaymentIntentContext): AccountOwner => ({
  clientPartnerId: context.clientPartnerId,
  merchantId: context.merchantId,
  storeId: context.storeId,
});
const merchantOwner = (context: PaymentIntentContext): AccountOwner => ({
  clientPartnerId: context.clientPartnerId,
  merchantId: context.merchantId,
  storeId: null,
});
const storePrefix = (context: PaymentIntentContext): string => `m:${context.merchantId}:s:${context.storeId}`;

/** 1100 `m:{m}:s:{s}:cash:drawer` — cash in the store drawer. */
export function cashDrawer(context: PaymentIntentContext): Account {
  return { path: `${storePrefix(context)}:cash:drawer`, code: ACCOUNT_CODES.cashDrawer, type: 'asset', normalSide: 'debit', owner: storeOwner(context) };
}

/** 1200 `…:recv:pgw:{p}` / 1210 `…:recv:card:{a}` — gross receivable from the provider or acquirer. */
export function receivable(context: PaymentIntentContext, channel: NonCashChannel): Account {
  const code = channel.kind === 'card' ? ACCOUNT_CODES.receivableCard : ACCOUNT_CODES.receivablePgw;
  return { path: `${storePrefix(context)}:recv:${channelSegment(channel)}`, code, type: 'asset', normalSide: 'debit', owner: storeOwner(context) };
}

/** Where the money of a channel sits: the drawer for cash, the receivable otherwise. */
export function fundsAccount(context: PaymentIntentContext, channel: Channel): Account {
  return channel.kind === 'cash' ? cashDrawer(context) : receivable(context, channel);
}

/** 4100 `…:sales:{cash|card:{a}|pgw:{p}}` — gross takings. */
export function sales(context: PaymentIntentContext, channel: Channel): Account {
  return { path: `${storePrefix(context)}:sales:${channelSegment(channel)}`, code: ACCOUNT_CODES.sales, type: 'revenue', normalSide: 'credit', owner: storeOwner(context) };
}

/** 4190 `…:refunds:{cash|card:{a}|pgw:{p}}` — refunds issued (contra-revenue). */
export function refunds(context: PaymentIntentContext, channel: Channel): Account {
  return {
    path: `${storePrefix(context)}:refunds:${channelSegment(channel)}`,
    code: ACCOUNT_CODES.refunds,
    type: 'contra_revenue',
    normalSide: 'debit',
    owner: storeOwner(context),
  };
}

/** 2900 `…:suspense:{p|a}` — money taken that is not a sale, awaiting compensation. */
export function suspense(context: PaymentIntentContext, channel: NonCashChannel): Account {
  return { path: `${storePrefix(context)}:suspense:${counterpartyOf(channel)}`, code: ACCOUNT_CODES.suspense, type: 'liability', normalSide: 'credit', owner: storeOwner(context) };
}

/** 5100 `m:{m}:fees:mdr:{p|a}` — merchant discount rate (決済手数料). */
export function mdrFees(context: PaymentIntentContext, channel: NonCashChannel): Account {
  return { path: `m:${context.merchantId}:fees:mdr:${counterpartyOf(channel)}`, code: ACCOUNT_CODES.mdrFees, type: 'expense', normalSide: 'debit', owner: merchantOwner(context) };
}

/** 1400 `m:{m}:tax:input_consumption` — consumption tax paid on fees (仮払消費税). */
export function inputConsumptionTax(context: PaymentIntentContext): Account {
  return { path: `m:${context.merchantId}:tax:input_consumption`, code: ACCOUNT_CODES.inputConsumptionTax, type: 'asset', normalSide: 'debit', owner: merchantOwner(context) };
}

/** 2100 `m:{m}:fees_payable:{p|a}` — accrued fees, netted at settlement. */
export function feesPayable(context: PaymentIntentContext, channel: NonCashChannel): Account {
  return {
    path: `m:${context.merchantId}:fees_payable:${counterpartyOf(channel)}`,
    code: ACCOUNT_CODES.feesPayable,
    type: 'liability',
    normalSide: 'credit',
    owner: merchantOwner(context),
  };
}
