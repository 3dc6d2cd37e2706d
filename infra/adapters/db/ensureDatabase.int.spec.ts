/**
 * Issue 9 item 6: `DATABASE_URL` naming a database that does not exist. The ledger creates it
 * when the URL's role may; otherwise `npm start` exits 1 with one line naming the command that
 * creates it, not a stack trace.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE, TEST_SERVER_URL, dropDatabase, testDatabaseUrl } from '../../../test/support/database.js';
import { ConfigError, loadConfig } from '../../entry/config.js';
import { createLedger } from '../../entry/ledger.js';
import { createLogger } from '../observability/logger.js';
import { DatabaseMissingError } from './ensureDatabase.js';

const createdDatabase = `${TEST_DATABASE}_created`;
const missingDatabase = `${TEST_DATABASE}_missing`;
const roleWithoutCreatedb = `${TEST_DATABASE}_nocreatedb`;

async function asAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

const databaseExists = (name: string) => asAdmin(async (admin) => (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);

/** The test server's URL for `database`, connecting as `role`. */
function urlAs(role: string, database: string): string {
  const url = new URL(testDatabaseUrl(database));
  url.username = role;
  url.password = '';
  return url.toString();
}

beforeAll(async () => {
  await dropDatabase(createdDatabase);
  await dropDatabase(missingDatabase);
  await asAdmin((admin) => admin.query(`DROP ROLE IF EXISTS "${roleWithoutCreatedb}"; CREATE ROLE "${roleWithoutCreatedb}" LOGIN NOCREATEDB`));
});
afterAll(async () => {
  await dropDatabase(createdDatabase);
  await dropDatabase(missingDatabase);
  await asAdmin((admin) => admin.query(`DROP ROLE IF EXISTS "${roleWithoutCreatedb}"`));
});

describe('DATABASE_URL naming a database that does not exist', () => {
  it('is created when the role may, then migrated and served', async () => {
    expect(await databaseExists(createdDatabase)).toBe(false);
    const ledger = await createLedger(loadConfig({ DATABASE_URL: testDatabaseUrl(createdDatabase) }), createLogger('silent'));
    try {
      expect(await databaseExists(createdDatabase)).toBe(true);
      expect((await ledger.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    } finally {
      await ledger.close();
    }
  });

  it('when the role may not: a DatabaseMissingError naming the createdb command, and nothing is created', async () => {
    const start = createLedger(loadConfig({ DATABASE_URL: urlAs(roleWithoutCreatedb, missingDatabase) }), createLogger('silent'));
    await expect(start).rejects.toBeInstanceOf(DatabaseMissingError);
    await expect(start).rejects.toThrow(`createdb -h 127.0.0.1 -p 5432 -U postgres -O ${roleWithoutCreatedb} ${missingDatabase}`);
    expect(await databaseExists(missingDatabase)).toBe(false);
  });

  it('a server that cannot be reached is a one-line ConfigError without the password', async () => {
    const start = createLedger(loadConfig({ DATABASE_URL: 'postgresql://postgres:do-not-print@127.0.0.1:1/ledger' }), createLogger('silent'));
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toThrow(/^cannot connect to DATABASE_URL \(host 127\.0\.0\.1, port 1, role postgres\): /);
    await expect(start).rejects.not.toThrow(/do-not-print/);
  });

  it('npm start exits 1 with one line saying how to create it, without a stack trace', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/entry/main.ts'], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: urlAs(roleWithoutCreatedb, missingDatabase), PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    const lines = output.split('\n').filter((line) => line.trim().length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`createdb -h 127.0.0.1 -p 5432 -U postgres -O ${roleWithoutCreatedb} ${missingDatabase}`);
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toContain('"stack"');
  });
});
