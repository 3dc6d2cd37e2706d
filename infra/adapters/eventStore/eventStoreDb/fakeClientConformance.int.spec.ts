/**
 * The conformance suite against the EventStoreDB adapter driven by an in-memory FAKE of the
 * client (test/support/fakeEventStoreDbClient.ts), with its PostgreSQL tables on the real test
 * database. This checks the adapter's own logic (pinned appends, replay detection, id
 * reservations, `$all` paging past system events, catch-up → live switch, batching) under the
 * documented EventStoreDB semantics the fake encodes. It is NOT a test against EventStoreDB:
 * that is test/conformance/eventStoreDb.int.spec.ts, which needs a server.
 */
import { EVENTSTORE_DB_DEFAULTS, EventStoreDbEventStore } from './eventStoreDbEventStore.js';
import { describeEventStoreConformance } from '../../../../test/conformance/eventStoreConformance.js';
import { createTestClient } from '../../../../test/support/database.js';
import { createFakeEventStoreDb } from '../../../../test/support/fakeEventStoreDbClient.js';

describeEventStoreConformance('EventStoreDB adapter on a fake client (not a server)', async () => {
  const fake = createFakeEventStoreDb();
  const sql = createTestClient(8);
  const store = new EventStoreDbEventStore({ ...EVENTSTORE_DB_DEFAULTS, client: fake.client, sql });
  return {
    store,
    appendHeld: async (stream, events, expected, holdMs, outcome) => {
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      if (outcome === 'commit') await store.append(stream, events, expected);
    },
    close: async () => {
      await store.close();
      await sql.close();
    },
  };
});
