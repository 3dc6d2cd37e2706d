/**
 * The event-store conformance suite against the EventStoreDB adapter, run when
 * EVENTSTORE_CONNECTION_STRING names a server (e.g. `esdb://127.0.0.1:2113?tls=false`). Each
 * test writes under its own stream-name prefix (uniquePrefix), so a shared server works; the
 * adapter's PostgreSQL tables live in the test database.
 *
 * EventStoreDB has no client transactions: `appendHeld` (the global-order test's writers with
 * think time and rollbacks) waits `holdMs` and then appends (commit) or sends nothing (rollback).
 * That is the only adaptation; the suite's assertions are the PostgreSQL adapter's.
 * Without a server the suite is NOT run: one line says so and one skipped test is registered.
 */
import { EventStoreDBClient } from '@eventstore/db-client';
import { it } from 'vitest';
import { createTestClient } from '../support/database.js';
import { EVENTSTORE_DB_DEFAULTS, EventStoreDbEventStore } from '../../infra/adapters/eventStore/eventStoreDb/eventStoreDbEventStore.js';
import { describeEventStoreConformance } from './eventStoreConformance.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING ?? '';

if (connectionString === '') {
  process.stdout.write('EventStoreDB conformance suite NOT run: EVENTSTORE_CONNECTION_STRING is not set\n');
  it.skip('event store conformance: EventStoreDB (needs EVENTSTORE_CONNECTION_STRING)', () => undefined);
} else {
  describeEventStoreConformance('EventStoreDB', async () => {
    const client = EventStoreDBClient.connectionString(connectionString);
    const sql = createTestClient(8);
    const store = new EventStoreDbEventStore({ ...EVENTSTORE_DB_DEFAULTS, client, sql });
    return {
      store,
      appendHeld: async (stream, events, expected, holdMs, outcome) => {
        await new Promise((resolve) => setTimeout(resolve, holdMs));
        if (outcome === 'commit') await store.append(stream, events, expected);
      },
      // No `tamper`: EventStoreDB events are immutable, so the tamper test skips itself.
      close: async () => {
        await store.close();
        await client.dispose();
        await sql.close();
      },
    };
  });
}
