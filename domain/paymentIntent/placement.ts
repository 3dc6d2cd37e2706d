/**
 * Where a new intent may be placed: the tenancy facts `CreatePaymentIntent` carries (as
 * `OnboardMerchant` carries `clientPartnerStatus`). The command handler reads them from the
 * store, merchant, terminal and store-provider-config streams (never from a read model); the
 * rules are here. Anything that is not the caller's answers like a missing resource (404).
 */
import type { MerchantStatus, StoreProviderConfigStatus, StoreStatus, TerminalStatus } from '../tenancy/index.js';
import { paymentIntentError } from './errors.js';

/** The store stream, folded: its merchant once it was opened. */
export type StoreFact = Readonly<{ status: 'not_opened' }> | Readonly<{ status: Exclude<StoreStatus, 'not_opened'>; merchantId: string }>;

/** The store's merchant stream, folded (`not_onboarded` too when the store does not exist). */
export type MerchantFact = Readonly<{ status: 'not_onboarded' }> | Readonly<{ status: Exclude<MerchantStatus, 'not_onboarded'>; clientPartnerId: string }>;

/** The terminal stream, folded: the store it belongs to once registered. */
export type TerminalFact = Readonly<{ status: 'unregistered' }> | Readonly<{ status: Exclude<TerminalStatus, 'unregistered'>; storeId: string }>;

export type PlacementFacts = Readonly<{
  store: StoreFact;
  merchant: MerchantFact;
  terminal: TerminalFact;
  /** The store's configuration of the intent's provider; null when the intent names none. */
  providerConfig: Readonly<{ status: StoreProviderConfigStatus }> | null;
}>;

/**
 * Guards in precedence order: the store exists and is the caller's (its merchant belongs to the
 * caller's client partner) → the store is open → the merchant is active → the terminal is one
 * of the store's → the terminal is active → the named provider is configured and enabled for the
 * store. Returns the store's merchant, which the intent is created under.
 */
export function requirePlacement(data: Readonly<{ clientPartnerId: string; storeId: string; terminalId: string; provider: string | null; placement: PlacementFacts }>): string {
  const { store, merchant, terminal, providerConfig } = data.placement;
  if (store.status === 'not_opened' || merchant.status === 'not_onboarded' || merchant.clientPartnerId !== data.clientPartnerId) {
    throw paymentIntentError('tenancy.store_not_found', `store ${data.storeId} does not exist`);
  }
  if (store.status !== 'open') throw paymentIntentError('tenancy.store_closed', `store ${data.storeId} is closed`);
  if (merchant.status !== 'active') {
    throw paymentIntentError('tenancy.merchant_not_active', `merchant ${store.merchantId} is ${merchant.status}`);
  }
  if (terminal.status === 'unregistered' || terminal.storeId !== data.storeId) {
    throw paymentIntentError('tenancy.terminal_not_found', `terminal ${data.terminalId} is not a terminal of store ${data.storeId}`);
  }
  if (terminal.status !== 'active') throw paymentIntentError('tenancy.terminal_deactivated', `terminal ${data.terminalId} is deactivated`);
  if (data.provider !== null && providerConfig?.status !== 'enabled') {
    throw paymentIntentError('payment_intent.provider_mismatch', `provider ${data.provider} is not configured and enabled for store ${data.storeId}`);
  }
  return store.merchantId;
}
