import {
  merchantDecider,
  storeDecider,
  storeProviderConfigDecider,
  terminalDecider,
  type MerchantState,
  type StoreProviderConfigState,
  type StoreState,
  type TerminalState,
} from '../../domain/tenancy/index.js';
import type { CommandContext } from '../commandContext.js';
import { loadAggregate, type Loaded } from '../handleCommand.js';

/** A stream folded at `revision` (−1: absent); `cached` when it came from memory rather than the store. */
export type FoldedStream<State> = Readonly<{ state: State; revision: number; cached: boolean }>;

/** Streams remembered per aggregate; past this the oldest entry goes. */
export const FOLDED_STREAMS_MAX = 10_000;

/**
 * The folded states of one aggregate's streams, by stream name, each with the revision it was
 * folded at. Never a source of truth and never expired by time: a caller that decides on a
 * remembered state names its revision in the append (`consistentWith`), so a state replaced in the
 * meantime refuses the append and the caller re-reads with `fresh` (docs/event-store.md, "Appends
 * that depend on other streams"). Absent streams are not remembered.
 *
 * @example const store = await stores.read(toStoreStreamName(storeId), false); // { state, revision, cached }
 */
export class FoldedStreamCache<State> {
  private readonly entries = new Map<string, Readonly<{ state: State; revision: number }>>();

  constructor(
    /** Reads and folds the stream from the store (`loadAggregate` with the aggregate's decider). */
    private readonly load: (stream: string) => Promise<Loaded<State>>,
    private readonly entriesMax: number = FOLDED_STREAMS_MAX,
  ) {}

  /** The remembered fold of `stream`, or (`fresh`, or not remembered) the store's, then remembered. */
  async read(stream: string, fresh: boolean): Promise<FoldedStream<State>> {
    const entry = fresh ? undefined : this.entries.get(stream);
    if (entry !== undefined) return { ...entry, cached: true };
    const loaded = await this.load(stream);
    this.remember(stream, loaded.state, loaded.revision);
    return { state: loaded.state, revision: loaded.revision, cached: false };
  }

  get size(): number {
    return this.entries.size;
  }

  private remember(stream: string, state: State, revision: number): void {
    if (revision < 0) return;
    // A slower read of an older revision never replaces a newer one.
    const current = this.entries.get(stream);
    if (current !== undefined && current.revision > revision) return;
    this.entries.delete(stream);
    this.entries.set(stream, { state, revision });
    if (this.entries.size <= this.entriesMax) return;
    const oldest = this.entries.keys().next();
    if (oldest.done !== true) this.entries.delete(oldest.value);
  }
}

/** The tenancy streams a create's placement is decided on, remembered per process. */
export type TenancyCache = Readonly<{
  stores: FoldedStreamCache<StoreState>;
  merchants: FoldedStreamCache<MerchantState>;
  terminals: FoldedStreamCache<TerminalState>;
  providerConfigs: FoldedStreamCache<StoreProviderConfigState>;
}>;

/** The tenancy cache of one process, reading through `context.store`. */
export function createTenancyCache(context: CommandContext, entriesMax: number = FOLDED_STREAMS_MAX): TenancyCache {
  return {
    stores: new FoldedStreamCache((stream) => loadAggregate(context, storeDecider, stream), entriesMax),
    merchants: new FoldedStreamCache((stream) => loadAggregate(context, merchantDecider, stream), entriesMax),
    terminals: new FoldedStreamCache((stream) => loadAggregate(context, terminalDecider, stream), entriesMax),
    providerConfigs: new FoldedStreamCache((stream) => loadAggregate(context, storeProviderConfigDecider, stream), entriesMax),
  };
}
