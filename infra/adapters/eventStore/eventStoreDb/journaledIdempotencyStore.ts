import type { IdempotencyBegin, IdempotencyKeyRef, IdempotencyStore, StoredResponse } from '../../../../domain/idempotency/index.js';
import type { IdempotencyJournal, Resend } from './idempotencyJournal.js';

/**
 * The idempotency store for an event store whose appends cannot complete the key in their own
 * transaction (EventStoreDB). Wraps the PostgreSQL one and settles a key's journaled append
 * before anything else decides about the key:
 * - `begin`: when the owner's lease ran out with an append journaled, re-send it first, so a
 *   retry replays the original response instead of running the command a second time;
 * - `complete` (a refusal or a 500 after an append of unknown outcome) and `release`: the journaled
 *   append wins when it turns out stored; only an append that can never land lets them through.
 * Example: `new JournaledIdempotencyStore(new PostgresIdempotencyStore(…), store.idempotencyJournal, (s, e, x) => store.append(s, e, x))`.
 */
export class JournaledIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly inner: IdempotencyStore,
    private readonly journal: IdempotencyJournal,
    private readonly resend: Resend,
  ) {}

  async begin(ref: IdempotencyKeyRef, fingerprint: string): Promise<IdempotencyBegin> {
    if (await this.journal.hasStalePending(ref)) await this.journal.resolve(ref, this.resend);
    return this.inner.begin(ref, fingerprint);
  }

  async complete(ref: IdempotencyKeyRef, response: StoredResponse): Promise<void> {
    const resolution = await this.journal.resolve(ref, this.resend);
    if (resolution.outcome !== 'completed') await this.inner.complete(ref, response);
  }

  async release(ref: IdempotencyKeyRef): Promise<void> {
    const resolution = await this.journal.resolve(ref, this.resend);
    if (resolution.outcome !== 'completed') await this.inner.release(ref);
  }
}
