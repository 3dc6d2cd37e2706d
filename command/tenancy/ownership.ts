/**
 * Tenant isolation for administration: a partner reaches only its own merchants and what hangs
 * off them. Each lookup folds the streams through the event store (the write side reads only the
 * system of record) and answers `undefined` both for a missing resource and for another partner's,
 * which the routes turn into the same 404. Ownership never changes (a merchant stays under its
 * partner, a store under its merchant, a terminal under its merchant), so checking it once before
 * the command runs is enough.
 */
import {
  isMerchantId,
  isStoreId,
  isTerminalId,
  merchantDecider,
  storeDecider,
  terminalDecider,
  toMerchantStreamName,
  toStoreStreamName,
  toTerminalStreamName,
  type ExistingStore,
  type MerchantId,
  type OnboardedMerchant,
  type RegisteredTerminal,
} from '../../domain/tenancy/index.js';
import type { CommandContext } from '../commandContext.js';
import { loadAggregate } from '../handleCommand.js';
import type { PartnerPrincipal } from './tenancyRoute.js';

async function loadMerchant(context: CommandContext, merchantId: MerchantId) {
  return (await loadAggregate(context, merchantDecider, toMerchantStreamName(merchantId))).state;
}

/** @example const merchant = await findOwnedMerchant(context, principal, request.params.merchant_id); */
export async function findOwnedMerchant(context: CommandContext, principal: PartnerPrincipal, merchantId: string): Promise<OnboardedMerchant | undefined> {
  if (!isMerchantId(merchantId)) return undefined;
  const merchant = await loadMerchant(context, merchantId);
  if (merchant.status === 'not_onboarded' || merchant.clientPartnerId !== principal.clientPartnerId) return undefined;
  return merchant;
}

export type OwnedStore = Readonly<{ store: ExistingStore; merchant: OnboardedMerchant }>;

/** @example const owned = await findOwnedStore(context, principal, 'str_01…'); // { store, merchant } | undefined */
export async function findOwnedStore(context: CommandContext, principal: PartnerPrincipal, storeId: string): Promise<OwnedStore | undefined> {
  if (!isStoreId(storeId)) return undefined;
  const store = (await loadAggregate(context, storeDecider, toStoreStreamName(storeId))).state;
  if (store.status === 'not_opened') return undefined;
  const merchant = await findOwnedMerchant(context, principal, store.merchantId);
  return merchant === undefined ? undefined : { store, merchant };
}

export type OwnedTerminal = Readonly<{ terminal: RegisteredTerminal; merchant: OnboardedMerchant }>;

/** @example const owned = await findOwnedTerminal(context, principal, 'trm_01…'); // { terminal, merchant } | undefined */
export async function findOwnedTerminal(context: CommandContext, principal: PartnerPrincipal, terminalId: string): Promise<OwnedTerminal | undefined> {
  if (!isTerminalId(terminalId)) return undefined;
  const terminal = (await loadAggregate(context, terminalDecider, toTerminalStreamName(terminalId))).state;
  if (terminal.status === 'unregistered') return undefined;
  const merchant = await findOwnedMerchant(context, principal, terminal.merchantId);
  return merchant === undefined ? undefined : { terminal, merchant };
}
