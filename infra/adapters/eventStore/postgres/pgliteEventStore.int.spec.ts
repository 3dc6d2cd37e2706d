/**
 * The same PostgreSQL adapter on the embedded PGlite (the default with no configuration): the
 * whole conformance suite on one single-threaded session. Held transactions are capped at 2 ms,
 * because on PGlite an open transaction holds the only session and stalls every other caller.
 */
import { migrate } from '../../db/migrate.js';
import { createPgliteClient } from '../../db/pgliteClient.js';
import { describeEventStoreConformance } from '../../../../test/conformance/eventStoreConformance.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from './postgresEventStore.js';
import { appendInHeldTransaction } from './postgresHarness.js';

const PGLITE_HOLD_MS_MAX = 2;

describeEventStoreConformance('PGlite (embedded)', async () => {
  const client = await createPgliteClient(undefined);
  await migrate(client);
  const store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client, pollIntervalMs: 100 });
  return {
    store,
    appendHeld: (stream, events, expected, holdMs, outcome) => appendInHeldTransaction(client, stream, events, expected, Math.min(holdMs, PGLITE_HOLD_MS_MAX), outcome),
    tamper: async (stream, revision) => {
      await client.query(`UPDATE ledger_events SET data = data || '{"amountMinor": 1}'::jsonb WHERE stream_name = $1 AND stream_revision = $2`, [stream, revision]);
    },
    close: async () => {
      await store.close();
      await client.close();
    },
  };
});
