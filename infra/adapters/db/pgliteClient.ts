import { PGlite } from '@electric-sql/pglite';
import { StoreUnavailableError } from '../../../domain/eventStore/index.js';
import type { SqlClient, SqlRow, SqlSession } from './sqlClient.js';
import { acquireDirectoryLock, type DirectoryLock } from './directoryLock.js';
import { restrictUmask, secureDataFolder } from './dataFolderPermissions.js';

export type PgliteClientOptions = Readonly<{
  /** Told which entries of the data folder were open to group or others and are now 0700/0600. */
  onPermissionsFixed?: (fixedPaths: readonly string[]) => void;
}>;

/**
 * Embedded PostgreSQL (PGlite) behind the SqlClient port. PGlite is one single-threaded session
 * (reference/baselines.md §3), so this client:
 * - serializes every caller through one queue; `withSession` holds the queue for its whole work,
 *   so an explicit transaction never interleaves with another caller's statements;
 * - answers `concurrencyMax = 1` (the event store then sends one group-commit batch at a time);
 * - locks the data folder, because two processes opening it corrupt it;
 * - keeps the data folder owner-only (0700, files 0600) whatever the umask: it adds 0o077 to the
 *   process umask, so files PGlite creates later are 0600 too, and fixes existing entries at start
 *   and after PGlite's initialisation, reporting what it changed.
 */
/** The embedded session is in this process: it is never lost while the client is open. */
const NEVER_LOST = new AbortController().signal;

/** A statement after (or during) close fails as the port's StoreUnavailableError (503), not as an internal error. */
function closedAsUnavailable(error: unknown): unknown {
  if (error instanceof Error && /^PGlite is clos(ed|ing)/.test(error.message)) return new StoreUnavailableError('the embedded database is closed', { cause: error });
  return error;
}

/** Opens PGlite in `dataDir` (locked, owner-only) or in memory. */
async function openPglite(dataDir: string | undefined, options: PgliteClientOptions): Promise<Readonly<{ db: PGlite; lock: DirectoryLock | undefined }>> {
  const fixed: string[] = [];
  if (dataDir !== undefined) {
    restrictUmask();
    fixed.push(...secureDataFolder(dataDir));
  }
  const lock: DirectoryLock | undefined = dataDir === undefined ? undefined : acquireDirectoryLock(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir);
    if (dataDir !== undefined) fixed.push(...secureDataFolder(dataDir));
  } catch (error) {
    lock?.release();
    throw error;
  }
  if (fixed.length > 0) options.onPermissionsFixed?.(fixed);
  return { db, lock };
}

/** One queue for every caller of the single embedded session; a statement after close fails as unavailable. */
function serialized(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const guarded = async (): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        throw closedAsUnavailable(error);
      }
    };
    const run = tail.then(guarded, guarded);
    tail = run.catch(() => undefined);
    return run;
  };
}

function directSession(db: PGlite): SqlSession {
  return {
    async query<Row extends SqlRow>(text: string, params?: readonly unknown[]) {
      const result = await db.query<Row>(text, params === undefined ? undefined : [...params]);
      return result.rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    async execMany(sql: string) {
      const results = await db.exec(sql);
      return results.map((entry) => entry.rows as SqlRow[]);
    },
  };
}

export async function createPgliteClient(dataDir: string | undefined, options: PgliteClientOptions = {}): Promise<SqlClient> {
  const { db, lock } = await openPglite(dataDir, options);
  const exclusive = serialized();
  const direct = directSession(db);

  return {
    kind: 'pglite',
    concurrencyMax: 1,
    query: (text, params) => exclusive(() => direct.query(text, params)),
    exec: (sql) => exclusive(() => direct.exec(sql)),
    execMany: (sql) => exclusive(() => direct.execMany(sql)),
    withSession: (work) =>
      exclusive(async () => {
        try {
          return await work(direct, NEVER_LOST);
        } catch (error) {
          // Leave the single shared session clean for the next caller.
          await db.exec('ROLLBACK; SELECT pg_advisory_unlock_all();').catch(() => undefined);
          throw error;
        }
      }),
    async listen(channel, onNotify) {
      const unlisten = await db.listen(channel, () => {
        // A listener's exception would surface inside PGlite's message loop.
        try {
          onNotify();
        } catch {
          // the reader polls anyway
        }
      });
      return async () => {
        await unlisten();
      };
    },
    async close() {
      await exclusive(async () => {
        await db.close();
      });
      lock?.release();
    },
  };
}
