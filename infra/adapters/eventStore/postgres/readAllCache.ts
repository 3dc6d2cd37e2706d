/**
 * Coalesces identical whole-log reads in one process. Several subscribers with the same filter
 * (the projections rebuilding together, each from the start of the log) read the same pages; the
 * first read of a page is shared by the others instead of being scanned, sent and parsed again.
 *
 * Exact by construction: a page is kept only if its scan was full (it reached `maxCount` rows), and
 * the log below the snapshot's xmin never changes, so re-reading a full page from the same position
 * with the same filter returns the same events. A short page (the live tail) is shared only by the
 * reads already waiting for it, then forgotten, so a later read sees what was committed since.
 * Pages are also forgotten `ttlMs` after they were read, so a rebuild's pages do not stay in memory
 * once every subscriber is live (live reads are short pages, never kept).
 */
import type { ReadAllResult } from '../../../../domain/eventStore/index.js';

export type PageRead = Readonly<{ result: ReadAllResult; full: boolean }>;

type Entry = Readonly<{ page: Promise<PageRead>; readAtMs: number }>;

export class ReadAllCache {
  private readonly pages = new Map<string, Entry>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs = 30_000,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async read(key: string, load: () => Promise<PageRead>): Promise<ReadAllResult> {
    this.expire();
    const known = this.pages.get(key);
    if (known !== undefined) return (await known.page).result;
    const loading = load();
    this.pages.set(key, { page: loading, readAtMs: this.nowMs() });
    try {
      const page = await loading;
      if (!page.full) this.pages.delete(key);
      else this.evict();
      return page.result;
    } catch (error) {
      this.pages.delete(key);
      throw error;
    }
  }

  private expire(): void {
    const oldest = this.nowMs() - this.ttlMs;
    for (const [key, entry] of this.pages) {
      if (entry.readAtMs > oldest) return;
      this.pages.delete(key);
    }
  }

  private evict(): void {
    for (const key of this.pages.keys()) {
      if (this.pages.size <= this.capacity) return;
      this.pages.delete(key);
    }
  }
}
