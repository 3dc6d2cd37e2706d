import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlClient } from './sqlClient.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Session advisory lock key: one migrator at a time per database. */
const MIGRATION_LOCK_KEY = 7_245_001;

export type Migration = Readonly<{ name: string; sql: string }>;

/** The project's migrations, in file-name order (`0001_….sql`, `0002_….sql`, …). */
export function loadMigrations(directory: string = MIGRATIONS_DIR): readonly Migration[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => ({ name: file.replace(/\.sql$/, ''), sql: readFileSync(join(directory, file), 'utf8') }));
}

/**
 * Applies every migration not yet recorded in `schema_migrations`, each in its own
 * transaction, under a session advisory lock so concurrent starters do not race.
 * Returns the names it applied; `onApplying` hears each one before it runs (the start-up log).
 */
export async function migrate(client: SqlClient, migrations: readonly Migration[] = loadMigrations(), onApplying: (name: string) => void = () => undefined): Promise<string[]> {
  return client.withSession(async (session) => {
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await session.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const rows = await session.query<{ name: string }>('SELECT name FROM schema_migrations');
      const applied = new Set(rows.map((row) => row.name));
      const done: string[] = [];
      for (const migration of migrations) {
        if (applied.has(migration.name)) continue;
        onApplying(migration.name);
        await session.exec(`BEGIN;\n${migration.sql}\n;INSERT INTO schema_migrations (name) VALUES ('${migration.name}');\nCOMMIT;`);
        done.push(migration.name);
      }
      return done;
    } catch (error) {
      await session.exec('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}
