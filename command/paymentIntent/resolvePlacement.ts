import type { StreamRevision } from '../../domain/eventStore/index.js';
import type { PlacementFacts } from '../../domain/paymentIntent/index.js';
import { paymentIntentError } from '../../domain/paymentIntent/index.js';
import {
  TenancyError,
  parseMerchantId,
  parseStoreId,
  parseTerminalId,
  toMerchantStreamName,
  toStoreProviderConfigStreamName,
  toStoreStreamName,
  toTerminalStreamName,
  type ProviderCode,
} from '../../domain/tenancy/index.js';
import type { Principal } from '../../http/principal.js';
import type { FoldedStream, TenancyCache } from './tenancyCache.js';

/**
 * Where a new intent asks to be, the tenancy facts `decideCreate` judges it by, the tenancy
 * streams they were folded from at their revisions (`readAt`, for the append's `consistentWith`),
 * and whether any of them came from the cache.
 */
export type Placement = Readonly<{
  clientPartnerId: string;
  storeId: string;
  terminalId: string;
  facts: PlacementFacts;
  readAt: readonly StreamRevision[];
  cached: boolean;
}>;

export type PlacementRequest = Readonly<{ storeId: string | undefined; terminalId: string | undefined; provider: ProviderCode | null }>;

/**
 * Loads the placement facts of a new intent from the tenancy streams (the write side reads only
 * the event store, here through the process's tenancy cache unless `fresh`): a terminal pays at
 * its own store; a partner names a store and a terminal. The rules (the caller's store, open,
 * merchant active, terminal active, provider enabled) are the domain's
 * (domain/paymentIntent/placement.ts); this only reads.
 */
export async function resolvePlacement(tenancy: TenancyCache, principal: Principal, request: PlacementRequest, fresh: boolean): Promise<Placement> {
  if (principal.kind === 'payment_token') throw new TenancyError('tenancy.terminal_not_found', 'a payment token cannot create intents');
  // Staff never reach a command route (the auth hook admits partners and terminals only); fail closed.
  if (principal.kind === 'staff') throw new TenancyError('tenancy.terminal_not_found', 'staff credentials cannot create intents');
  const storeId = principal.kind === 'terminal' ? principal.storeId : required(request.storeId, 'store_id');
  const terminalId = principal.kind === 'terminal' ? principal.terminalId : required(request.terminalId, 'terminal_id');
  const storeStream = toStoreStreamName(parseStoreId(storeId));
  const terminalStream = toTerminalStreamName(parseTerminalId(terminalId));
  const storeRead = await tenancy.stores.read(storeStream, fresh);
  const store = storeRead.state;
  const merchantStream = store.status === 'not_opened' ? undefined : toMerchantStreamName(parseMerchantId(store.merchantId));
  const providerStream = request.provider === null ? undefined : toStoreProviderConfigStreamName(parseStoreId(storeId), request.provider);
  const [merchant, terminal, providerConfig] = await Promise.all([
    merchantStream === undefined ? undefined : tenancy.merchants.read(merchantStream, fresh),
    tenancy.terminals.read(terminalStream, fresh),
    providerStream === undefined ? undefined : tenancy.providerConfigs.read(providerStream, fresh),
  ]);
  const merchantState = merchant?.state ?? ({ status: 'not_onboarded' } as const);
  const terminalState = terminal.state;
  const readAt = [
    { stream: storeStream, revision: storeRead.revision },
    { stream: terminalStream, revision: terminal.revision },
    ...revisionOf(merchantStream, merchant),
    ...revisionOf(providerStream, providerConfig),
  ];
  const facts: PlacementFacts = {
    store: store.status === 'not_opened' ? { status: 'not_opened' } : { status: store.status, merchantId: store.merchantId },
    merchant: merchantState.status === 'not_onboarded' ? { status: 'not_onboarded' } : { status: merchantState.status, clientPartnerId: merchantState.clientPartnerId },
    terminal: terminalState.status === 'unregistered' ? { status: 'unregistered' } : { status: terminalState.status, storeId: terminalState.storeId },
    providerConfig: providerConfig === undefined ? null : { status: providerConfig.state.status },
  };
  const cached = [storeRead, merchant, terminal, providerConfig].some((read) => read?.cached === true);
  return { clientPartnerId: principal.clientPartnerId, storeId, terminalId, facts, readAt, cached };
}

function revisionOf(stream: string | undefined, read: FoldedStream<unknown> | undefined): StreamRevision[] {
  return stream === undefined || read === undefined ? [] : [{ stream, revision: read.revision }];
}

function required(value: string | undefined, field: string): string {
  if (value === undefined) throw paymentIntentError('payment_intent.invalid_id', `${field} is required when a partner server creates an intent`);
  return value;
}
