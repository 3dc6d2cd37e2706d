import type { PlacementFacts } from '../../domain/paymentIntent/index.js';
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

/** Where a new intent asks to be, and the tenancy facts `decideCreate` judges it by. */
export type Placement = Readonly<{ clientPartnerId: string; storeId: string; terminalId: string; facts: PlacementFacts }>;

export type PlacementRequest = Readonly<{ storeId: string | undefined; terminalId: string | undefined; provider: ProviderCode | null }>;

/**
 * Loads the placement facts of a new intent from the tenancy streams (the write side reads only
 * the event store): a terminal pays at its own store; a partner names a store and a terminal.
 * The rules (the caller's store, open, merchant active, terminal active, provider enabled) are the
 * domain's (domain/paymentIntent/placement.ts); this only reads.
 */
export async function resolvePlacement(context: CommandContext, principal: Principal, request: PlacementRequest): Promise<Placement> {
  if (principal.kind === 'payment_token') throw new TenancyError('tenancy.terminal_not_found', 'a payment token cannot create intents');
  // Staff never reach a command route (the auth hook admits partners and terminals only); fail closed.
  if (principal.kind === 'staff') throw new TenancyError('tenancy.terminal_not_found', 'staff credentials cannot create intents');
  const storeId = principal.kind === 'terminal' ? principal.storeId : required(request.storeId, 'store_id');
  const terminalId = principal.kind === 'terminal' ? principal.terminalId : required(request.terminalId, 'terminal_id');
  const store = (await loadAggregate(context, storeDecider, toStoreStreamName(parseStoreId(storeId)))).state;
  const [merchant, terminal, providerConfig] = await Promise.all([
    store.status === 'not_opened' ? undefined : loadAggregate(context, merchantDecider, toMerchantStreamName(parseMerchantId(store.merchantId))),
    loadAggregate(context, terminalDecider, toTerminalStreamName(parseTerminalId(terminalId))),
    request.provider === null ? undefined : loadAggregate(context, storeProviderConfigDecider, toStoreProviderConfigStreamName(parseStoreId(storeId), request.provider)),
  ]);
  const merchantState = merchant?.state ?? ({ status: 'not_onboarded' } as const);
  const terminalState = terminal.state;
  const facts: PlacementFacts = {
    store: store.status === 'not_opened' ? { status: 'not_opened' } : { status: store.status, merchantId: store.merchantId },
    merchant: merchantState.status === 'not_onboarded' ? { status: 'not_onboarded' } : { status: merchantState.status, clientPartnerId: merchantState.clientPartnerId },
    terminal: terminalState.status === 'unregistered' ? { status: 'unregistered' } : { status: terminalState.status, storeId: terminalState.storeId },
    providerConfig: providerConfig === undefined ? null : { status: providerConfig.state.status },
  };
  return { clientPartnerId: principal.clientPartnerId, storeId, terminalId, facts };
}

function required(value: string | undefined, field: string): string {
  if (value === undefined) throw paymentIntentError('payment_intent.invalid_id', `${field} is required when a partner server creates an intent`);
  return value;
}
