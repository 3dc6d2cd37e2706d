import pg from 'pg';
import { createPgClient } from '../../infra/adapters/db/pgClient.js';
import type { SqlClient } from '../../infra/adapters/db/sqlClient.js';

/** The server the integration tests use; CI and `npm test` point it at the local PostgreSQL. */
export const TEST_SERVER_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const TEST_DATABASE = process.env.TEST_DATABASE ?? 'ledger_test';

export function testDatabaseUrl(database: string = TEST_DATABASE): string {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Drops and recreates a database on the test server (a fresh, empty one per test run). */
export async function recreateDatabase(database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export function createTestClient(poolSizeMax = 10, database: string = TEST_DATABASE): SqlClient {
  return createPgClient({
    connectionString: testDatabaseUrl(database),
    poolSizeMax,
    statementTimeoutMs: 60_000,
    idleInTransactionTimeoutMs: 60_000,
    applicationName: 'ledger-test',
  });
}
