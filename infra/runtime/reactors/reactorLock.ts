/**
 * One active reactor per database: runs `work` while holding a PostgreSQL session advisory lock on
 * `key`, polling `pg_try_advisory_lock` every `pollMs` while another process holds it. `work` gets the
 * session's lost signal and must stop at once when it aborts (the lock is gone; a standby may take
 * over). On PGlite (one process per data folder, enforced by its folder lock) no lock is needed.
 */
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import { sleep } from '../../adapters/kafka/backoff.js';

export type ReactorLockOptions = Readonly<{ key: string; signal: AbortSignal; pollMs: number; onWaiting: () => void }>;

export async function withReactorLock(client: SqlClient, options: ReactorLockOptions, work: (lockLost: AbortSignal) => Promise<void>): Promise<void> {
  if (client.kind === 'pglite') {
    await work(new AbortController().signal);
    return;
  }
  await client.withSession(async (session, lost) => {
    for (let waiting = false; ; waiting = true) {
      if (options.signal.aborted) return;
      const [row] = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [options.key]);
      if (row?.locked === true) break;
      if (!waiting) options.onWaiting();
      await sleep(options.pollMs, options.signal);
    }
    try {
      await work(lost);
    } finally {
      await session.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [options.key]).catch(() => undefined);
    }
  });
}
