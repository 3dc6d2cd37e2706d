/**
 * Several ledger processes on one database must agree on the token signing key and the embedded
 * credential master key without configuration. This races first use from independent connection
 * pools (as separate processes would) on a fresh database and checks that all get the same key,
 * and that later loads return it unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, dropDatabase, recreateDatabase, TEST_DATABASE } from '../../../test/support/database.js';
import { migrate } from '../db/migrate.js';
import type { SqlClient } from '../db/sqlClient.js';
import { loadOrCreateServerKey, SERVER_KEY_BYTES } from './serverKeys.js';

const database = `${TEST_DATABASE}_server_keys`;
const PROCESSES = 8;
let clients: SqlClient[] = [];

beforeAll(async () => {
  await recreateDatabase(database);
  const migrator = createTestClient(1, database);
  await migrate(migrator);
  await migrator.close();
  clients = Array.from({ length: PROCESSES }, () => createTestClient(2, database));
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await dropDatabase(database);
});

describe('loadOrCreateServerKey', () => {
  it.each(['token_signing', 'credential_master'] as const)('gives every racing process the same %s key', async (name) => {
    const keys = await Promise.all(clients.map((client) => loadOrCreateServerKey(client, name)));
    const distinct = new Set(keys.map((key) => key.toString('hex')));
    expect(distinct.size).toBe(1);
    expect(keys[0]).toHaveLength(SERVER_KEY_BYTES);
    const again = await loadOrCreateServerKey(clients[0]!, name);
    expect(again.equals(keys[0]!)).toBe(true);
  });

  it('keeps the two keys distinct', async () => {
    const [signing, master] = await Promise.all([loadOrCreateServerKey(clients[0]!, 'token_signing'), loadOrCreateServerKey(clients[1]!, 'credential_master')]);
    expect(signing.equals(master)).toBe(false);
  });
});
