import { migrate } from '../../infra/adapters/db/migrate.js';
import { TEST_DATABASE, createTestClient, dropDatabase, recreateDatabase } from './database.js';

/** Integration runs start from a fresh database with the production migrations applied. */
export default async function setup(): Promise<() => Promise<void>> {
  await recreateDatabase(TEST_DATABASE);
  const client = createTestClient(1);
  try {
    await migrate(client);
  } finally {
    await client.close();
  }
  return async () => {
    if (process.env.KEEP_TEST_DATABASE === undefined) await dropDatabase(TEST_DATABASE);
  };
}
