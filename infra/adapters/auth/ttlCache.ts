/**
 * A small bounded cache with a time to live, for tenancy facts the auth hook needs on every
 * request (a partner's key and status, a terminal's status). Short-lived on purpose: a suspension or
 * a deactivation must bite within seconds, and the event store stays the source of truth.
 */
export type TtlCacheOptions = Readonly<{
  /** Entries beyond this evict the oldest one (Map keeps insertion order). */
  entriesMax: number;
  ttlMs: number;
  /** The clock: the same one the auth checks use, so tests can move it. */
  now: () => Date;
}>;

type Entry<Value> = Readonly<{ value: Value; storedAtMs: number }>;

export class TtlCache<Value> {
  private readonly entries = new Map<string, Entry<Value>>();

  constructor(private readonly options: TtlCacheOptions) {}

  /**
   * The cached value, or the loader's (which is then cached). Concurrent misses each load: the
   * loads are cheap reads and the cache is an optimisation, never a source of truth.
   *
   * @example const partner = await cache.get(clientPartnerId, () => loadClientPartner(clientPartnerId));
   */
  async get(key: string, load: () => Promise<Value>): Promise<Value> {
    const nowMs = this.options.now().getTime();
    const entry = this.entries.get(key);
    // A clock that went backwards (negative age) also expires the entry.
    if (entry !== undefined) {
      const ageMs = nowMs - entry.storedAtMs;
      if (ageMs >= 0 && ageMs < this.options.ttlMs) return entry.value;
      this.entries.delete(key);
    }
    const value = await load();
    if (this.options.ttlMs > 0) this.store(key, { value, storedAtMs: nowMs });
    return value;
  }

  private store(key: string, entry: Entry<Value>): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.options.entriesMax) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }
}
