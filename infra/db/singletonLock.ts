/**
 * One active instance per role and database: `work` runs while this process holds a PostgreSQL
 * session advisory lock on `key`; otherwise it polls `pg_try_advisory_lock` every `pollMs` (a
 * standby takes over when the holder's session ends). Returns without running `work` if `signal`
 * aborts first. On PGlite (one process per data folder, enforced by its folder lock) no lock is
 * needed. Writers must still fence their own writes (compare-and-set on a checkpoint): a lock
 * session can die while its holder is still working.
 */
import { sleep } from '../kafka/backoff.js';
import type { SqlClient } from './sqlClient.js';

export type SingletonLockOptions = Readonly<{
  key: string;
  signal: AbortSignal;
  pollMs: number;
  /** Called once when another instance holds the lock and this one starts waiting. */
  onWaiting: () => void;
}>;

export async function withSingletonLock(client: SqlClient, options: SingletonLockOptions, work: () => Promise<void>): Promise<void> {
  if (client.kind === 'pglite') {
    await work();
    return;
  }
  await client.withSession(async (session) => {
    let waiting = false;
    for (;;) {
      if (options.signal.aborted) return;
      const [row] = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [options.key]);
      if (row?.locked === true) break;
      if (!waiting) options.onWaiting();
      waiting = true;
      await sleep(options.pollMs, options.signal);
    }
    try {
      await work();
    } finally {
      await session.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [options.key]).catch(() => undefined);
    }
  });
}
