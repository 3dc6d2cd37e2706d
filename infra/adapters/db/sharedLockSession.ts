/**
 * One database session that holds the session advisory locks of every singleton role in this
 * process (one per projection), so those roles do not each pin a pooled connection for their
 * lifetime — a small `DATABASE_POOL_SIZE` would otherwise leave no connection for requests.
 * Statements on the session run one at a time.
 *
 * A lock is granted with the session's `lost` signal: it aborts the moment the session's
 * connection dies (the backend terminated, the server restarted), even while no statement runs,
 * because the server released the session's locks with it. Holders stop their work at once on it
 * and take the lock again; the next call opens a new session. Holders still fence their writes
 * (checkpoints move by compare-and-set) for the work already in flight. On PGlite (one process per
 * data folder) every lock is granted at once and never lost.
 */
import type { SqlClient, SqlSession } from './sqlClient.js';

type Held = Readonly<{ session: SqlSession; lost: AbortSignal; done: Promise<void>; release: () => void }>;

const NEVER_LOST = new AbortController().signal;

export class SharedLockSession {
  private held: Promise<Held> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly client: SqlClient) {}

  /**
   * The signal that aborts when the lock is lost, once this process holds `key` (or already did);
   * undefined when another session holds it.
   */
  async tryLock(key: string): Promise<AbortSignal | undefined> {
    if (this.client.kind === 'pglite') return NEVER_LOST;
    return this.run(async (session, lost) => {
      const [row] = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [key]);
      return row?.locked === true ? lost : undefined;
    });
  }

  async unlock(key: string): Promise<void> {
    if (this.client.kind === 'pglite' || this.held === undefined) return;
    await this.run((session) => session.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key])).catch(() => undefined);
  }

  async close(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (held === undefined) return;
    const { release, done } = await held.catch(() => ({ release: () => undefined, done: Promise.resolve() }));
    release();
    await done.catch(() => undefined);
  }

  private run<T>(work: (session: SqlSession, lost: AbortSignal) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      const heldPromise = this.session();
      try {
        const held = await heldPromise;
        return await work(held.session, held.lost);
      } catch (error) {
        // A broken session (or one that could not be opened) is replaced on the next call; its locks are gone with it.
        this.discard(heldPromise);
        throw error;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private discard(heldPromise: Promise<Held>): void {
    if (this.held !== heldPromise) return;
    this.held = undefined;
    void heldPromise
      .then((old) => {
        old.release();
      })
      .catch(() => undefined);
  }

  private session(): Promise<Held> {
    if (this.held !== undefined) return this.held;
    const heldPromise = new Promise<Held>((resolve, reject) => {
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolveRelease) => {
        release = resolveRelease;
      });
      const done = this.client.withSession(async (session, lost) => {
        const onLost = (): void => {
          this.discard(heldPromise);
        };
        if (lost.aborted) onLost();
        else lost.addEventListener('abort', onLost, { once: true });
        resolve({ session, lost, done, release });
        await released;
      });
      done.catch(reject);
    });
    this.held = heldPromise;
    return heldPromise;
  }
}
