/**
 * Tenancy lookups for authentication, by id only (the ids arrive in headers and token claims, so no
 * cross-stream index is needed). State is folded from the streams through the event store: the write
 * side reads only the system of record. Partner and terminal state, needed on every request, is
 * cached for at most a few seconds (bounded); token issuing reads fresh.
 */
import { STREAM_EVENTS_MAX, eventCodecOf } from '../../../schemas/events/registry.js';
import type { EventStore } from '../../../domain/eventStore/index.js';
import {
  clientPartnerDecider,
  evolveAll,
  isClientPartnerId,
  isMerchantId,
  isStoreId,
  isTerminalId,
  merchantDecider,
  storeDecider,
  terminalDecider,
  toClientPartnerStreamName,
  toMerchantStreamName,
  toStoreStreamName,
  toTerminalStreamName,
  type ClientPartnerState,
  type Decider,
  type MerchantState,
  type StoreState,
  type TerminalState,
} from '../../../domain/tenancy/index.js';
import type { EventShape } from '../../../schemas/events/index.js';
import { TtlCache } from './ttlCache.js';

export type TenancyDirectory = Readonly<{
  /** Cached (≤ ttlMs). `unregistered` for an unknown or malformed id. */
  clientPartner: (clientPartnerId: string) => Promise<ClientPartnerState>;
  /** Cached (≤ ttlMs). `unregistered` for an unknown or malformed id. */
  terminal: (terminalId: string) => Promise<TerminalState>;
  /** Uncached reads, for decisions that must see the latest event (issuing a token). */
  loadTerminal: (terminalId: string) => Promise<TerminalState>;
  loadMerchant: (merchantId: string) => Promise<MerchantState>;
  loadStore: (storeId: string) => Promise<StoreState>;
}>;

export type TenancyDirectoryOptions = Readonly<{
  store: EventStore;
  now: () => Date;
  /** At most 5 000 ms: a suspension or deactivation bites within this. */
  cacheTtlMs: number;
  cacheEntriesMax: number;
}>;

export const TENANCY_DIRECTORY_DEFAULTS = { cacheTtlMs: 2_000, cacheEntriesMax: 10_000 } as const;
const CACHE_TTL_MS_MAX = 5_000;

/** Thrown when a tenancy stream is too long to fold safely (an event it cannot read is an `UndecodableEventError`). */
export class TenancyStreamError extends Error {
  override readonly name = 'TenancyStreamError';
}

/**
 * @example
 * const directory = createTenancyDirectory({ store, now: () => new Date(), ...TENANCY_DIRECTORY_DEFAULTS });
 * const partner = await directory.clientPartner('cp_01…'); // { status: 'active', secretSha256Hex, … }
 */
export function createTenancyDirectory(options: TenancyDirectoryOptions): TenancyDirectory {
  if (options.cacheTtlMs < 0 || options.cacheTtlMs > CACHE_TTL_MS_MAX) {
    throw new RangeError(`cacheTtlMs must be within 0..${CACHE_TTL_MS_MAX}`);
  }
  const cacheOptions = { entriesMax: options.cacheEntriesMax, ttlMs: options.cacheTtlMs, now: options.now };
  const partners = new TtlCache<ClientPartnerState>(cacheOptions);
  const terminals = new TtlCache<TerminalState>(cacheOptions);
  const loadClientPartner = (id: string): Promise<ClientPartnerState> =>
    isClientPartnerId(id) ? fold(options.store, clientPartnerDecider, toClientPartnerStreamName(id)) : Promise.resolve(clientPartnerDecider.initialState());
  const loadTerminal = (id: string): Promise<TerminalState> =>
    isTerminalId(id) ? fold(options.store, terminalDecider, toTerminalStreamName(id)) : Promise.resolve(terminalDecider.initialState());
  return {
    clientPartner: (id) => partners.get(id, () => loadClientPartner(id)),
    terminal: (id) => terminals.get(id, () => loadTerminal(id)),
    loadTerminal,
    loadMerchant: (id) => (isMerchantId(id) ? fold(options.store, merchantDecider, toMerchantStreamName(id)) : Promise.resolve(merchantDecider.initialState())),
    loadStore: (id) => (isStoreId(id) ? fold(options.store, storeDecider, toStoreStreamName(id)) : Promise.resolve(storeDecider.initialState())),
  };
}

async function fold<Command, Event extends EventShape, State>(store: EventStore, decider: Decider<Command, Event, State>, stream: string): Promise<State> {
  const recorded = await store.readStream(stream, { maxCount: STREAM_EVENTS_MAX + 1 });
  if (recorded.length > STREAM_EVENTS_MAX) throw new TenancyStreamError(`stream ${stream} has more than ${STREAM_EVENTS_MAX} events`);
  const codec = eventCodecOf(decider);
  return evolveAll(decider, recorded.map(codec.decode));
}
