import { randomUUID } from 'node:crypto';
import type { SqlClient, SqlSession } from '../db/sqlClient.js';

/** How often the owner session is checked; a broken one is replaced within about this long. */
const HEARTBEAT_MS = 1_000;

type Held = Readonly<{ session: SqlSession; fail: (error: unknown) => void }>;

/**
 * This process's identity as the owner of in-progress idempotency claims (migration 0006). On
 * PostgreSQL it holds one dedicated session with a session advisory lock on its id for as long as
 * the process lives: when the process dies, the server ends the session and frees the lock, and
 * `ledger_idempotency_owner_alive(owner)` turns false, so another process takes the key over at
 * once. A heartbeat notices a broken session and the next claim re-takes the lock on a new one.
 * On PGlite one process owns the data folder, so a claim by any other owner id is dead: no lock.
 *
 * @example const owner = new IdempotencyOwner(client); await owner.held(); … owner.id … await owner.close();
 */
export class IdempotencyOwner {
  readonly id = randomUUID();
  private current: Promise<Held> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly client: SqlClient) {}

  /** Resolves once this process holds its owner lock (at once after the first time). */
  async held(): Promise<void> {
    if (this.client.kind === 'pglite') return;
    if (this.closed) throw new Error('the idempotency owner is closed');
    await (this.current ??= this.open());
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    const current = this.current;
    this.current = undefined;
    const held = await current?.catch(() => undefined);
    // Discarded, not returned to the pool: a pooled session must not keep holding the lock.
    held?.fail(new Error('the idempotency owner is closed'));
  }

  private open(): Promise<Held> {
    const opened = new Promise<Held>((resolve, reject) => {
      let locked = false;
      const done = this.client.withSession(async (session) => {
        const [row] = await session.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`, [`idempotency-owner:${this.id}`]);
        if (row?.locked !== true) throw new Error(`idempotency owner ${this.id} is locked by another session`);
        locked = true;
        // Held until it fails (a broken session, or close): withSession then discards the session.
        await new Promise<void>((_never, fail) => {
          resolve({ session, fail });
        });
      });
      done.catch((error: unknown) => {
        if (!locked) reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
    // A failed open is forgotten, so the next claim tries again.
    opened.catch(() => {
      if (this.current === opened) this.current = undefined;
    });
    this.heartbeat ??= setInterval(() => {
      void this.beat();
    }, HEARTBEAT_MS).unref();
    return opened;
  }

  private async beat(): Promise<void> {
    const current = this.current;
    if (current === undefined) return;
    const held = await current.catch(() => undefined);
    if (held === undefined) return;
    try {
      await held.session.query('SELECT 1');
    } catch (error) {
      // The session (and with it the lock) is gone: take the lock again at once on a new session, so
      // this process's claims in flight count as alive again within a heartbeat (not at the next claim).
      held.fail(error);
      if (this.current === current) this.current = this.closed ? undefined : this.open();
    }
  }
}
