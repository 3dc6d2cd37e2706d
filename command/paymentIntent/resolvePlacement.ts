import { paymentIntentError } from '../../domain/paymentIntent/index.js';
import {
  TenancyError,
  merchantDecider,
  parseMerchantId,
  parseStoreId,
  parseTerminalId,
  storeDecider,
  storeProviderConfigDecider,
  terminalDecider,
  toMerchantStreamName,
  toStoreProviderConfigStreamName,
  toStoreStreamName,
  toTerminalStreamName,
  type ProviderCode,
} from '../../domain/tenancy/index.js';
import type { CommandContext } from '../commandContext.js';
import { loadAggregate } from '../handleCommand.js';
import type { Principal } from '../../http/principal.js';

/** Where a new intent belongs: the tenancy path every later command and read is scoped by. */
export type Placement = Readonly<{ clientPartnerId: string; merchantId: string; storeId: string; terminalId: string }>;

export type PlacementRequest = Readonly<{ storeId: string | undefined; terminalId: string | undefined; provider: ProviderCode | null }>;

/**
 * Resolves and checks the store and terminal of a new intent from the tenancy streams (the write
 * side reads only the event store): a terminal pays at its own store; a partner names a store of
 * its own merchants and one of that store's terminals. The store must be open, the merchant
 * active, the terminal active, and a QR provider configured and enabled for the store. Anything
 * that is not the caller's answers like a missing resource (404).
 */
export async function resolvePlacement(context: CommandContext, principal: Principal, request: PlacementRequest): Promise<Placement> {
  if (principal.kind === 'payment_token') throw new TenancyError('tenancy.terminal_not_found', 'a payment token cannot create intents');
  // Staff never reach a command route (the auth hook admits partners and terminals only); fail closed.
  if (principal.kind === 'staff') throw new TenancyError('tenancy.terminal_not_found', 'staff credentials cannot create intents');
  const storeId = principal.kind === 'terminal' ? principal.storeId : required(request.storeId, 'store_id');
  const terminalId = principal.kind === 'terminal' ? principal.terminalId : required(request.terminalId, 'terminal_id');
  const store = (await loadAggregate(context, storeDecider, toStoreStreamName(parseStoreId(storeId)))).state;
  if (store.status === 'not_opened') throw new TenancyError('tenancy.store_not_found', `store ${storeId} does not exist`);
  const merchant = (await loadAggregate(context, merchantDecider, toMerchantStreamName(parseMerchantId(store.merchantId)))).state;
  if (merchant.status === 'not_onboarded' || merchant.clientPartnerId !== principal.clientPartnerId) {
    throw new TenancyError('tenancy.store_not_found', `store ${storeId} does not exist`);
  }
  if (store.status !== 'open') throw new TenancyError('tenancy.store_closed', `store ${storeId} is closed`);
  if (merchant.status !== 'active') throw new TenancyError('tenancy.merchant_not_active', `merchant ${merchant.merchantId} is ${merchant.status}`);
  const terminal = (await loadAggregate(context, terminalDecider, toTerminalStreamName(parseTerminalId(terminalId)))).state;
  if (terminal.status === 'unregistered' || terminal.storeId !== store.storeId) {
    throw new TenancyError('tenancy.terminal_not_found', `terminal ${terminalId} is not a terminal of store ${storeId}`);
  }
  if (terminal.status !== 'active') throw new TenancyError('tenancy.terminal_deactivated', `terminal ${terminalId} is deactivated`);
  if (request.provider !== null) {
    const config = await loadAggregate(context, storeProviderConfigDecider, toStoreProviderConfigStreamName(store.storeId, request.provider));
    if (config.state.status !== 'enabled') {
      throw paymentIntentError('payment_intent.provider_mismatch', `provider ${request.provider} is not configured and enabled for store ${storeId}`);
    }
  }
  return { clientPartnerId: merchant.clientPartnerId, merchantId: merchant.merchantId, storeId: store.storeId, terminalId: terminal.terminalId };
}

function required(value: string | undefined, field: string): string {
  if (value === undefined) throw paymentIntentError('payment_intent.invalid_id', `${field} is required when a partner server creates an intent`);
  return value;
}
