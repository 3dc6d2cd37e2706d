/**
 * One database session that holds the session advisory locks of every singleton role in this
 * process (one per projection), so those roles do not each pin a pooled connection for their
 * lifetime — a small `DATABASE_POOL_SIZE` would otherwise leave no connection for requests.
 * Statements on the session run one at a time. If the session breaks, the next call opens a new
 * one; the server released the old session's locks, so holders must fence their writes (they do:
 * checkpoints move by compare-and-set). On PGlite (one process per data folder) every lock is
 * granted at once.
 */
import type { SqlClient, SqlSession } from './sqlClient.js';

type Held = Readonly<{ session: SqlSession; done: Promise<void>; release: () => void }>;

export class SharedLockSession {
  private held: Promise<Held> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly client: SqlClient) {}

  /** True when this process now holds `key` (or already did). */
  async tryLock(key: string): Promise<boolean> {
    if (this.client.kind === 'pglite') return true;
    const [row] = await this.run((session) => session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [key]));
    return row?.locked === true;
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

  private run<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      const held = await this.session();
      try {
        return await work(held.session);
      } catch (error) {
        // A broken session is replaced on the next call; its locks are gone with it.
        if (this.held !== undefined) {
          const broken = this.held;
          this.held = undefined;
          void broken.then((old) => {
            old.release();
          }).catch(() => undefined);
        }
        throw error;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private session(): Promise<Held> {
    this.held ??= new Promise<Held>((resolve, reject) => {
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolveRelease) => {
        release = resolveRelease;
      });
      const done = this.client.withSession(async (session) => {
        resolve({ session, done, release });
        await released;
      });
      done.catch(reject);
    });
    return this.held;
  }
}
