import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import type { EventStore, LogPosition } from '../../domain/eventStore/index.js';
import type { IdempotencyStore } from '../../domain/idempotency/index.js';
import { PAYMENT_INTENT_STREAM_PREFIX } from '../../domain/paymentIntent/index.js';
import type { LedgerConfig } from './config.js';
import { ConfigError } from './config.js';
import type { SqlClient } from '../adapters/db/sqlClient.js';
import { describeClientError } from '../adapters/eventStore/eventStoreDb/errors.js';
import { EVENTSTORE_DB_DEFAULTS, EventStoreDbEventStore } from '../adapters/eventStore/eventStoreDb/eventStoreDbEventStore.js';
import { JournaledIdempotencyStore } from '../adapters/eventStore/eventStoreDb/journaledIdempotencyStore.js';
import { backlogViaPort } from '../adapters/eventStore/portBacklog.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore, type AppendBatchOutcome } from '../adapters/eventStore/postgres/postgresEventStore.js';
import { IDEMPOTENCY_DEFAULTS, PostgresIdempotencyStore } from '../adapters/idempotency/postgresIdempotencyStore.js';
import type { LogQueries } from '../runtime/projections/projectionRuntime.js';

/** The event store the configuration selects, with what depends on where its log lives. */
export type SelectedEventStore = Readonly<{
  kind: 'postgres' | 'eventstoredb';
  store: EventStore;
  idempotency: IdempotencyStore;
  /** Set when the log is not in PostgreSQL: head and backlogs through the port. */
  logQueries?: LogQueries;
  countRelayBacklog?: (from: LogPosition) => Promise<number>;
  /** Frees the idempotency owner session, stops the store and closes its own connection (not the SQL client). */
  close: () => Promise<void>;
}>;

/** How long start-up waits for EventStoreDB to answer before giving up. */
export const EVENTSTORE_PROBE_DEADLINE_MS = 5_000;

/** The connection string with any `user:password@` removed, for messages. */
export function redactConnectionString(connectionString: string): string {
  return connectionString.replace(/\/\/[^/@]*@/g, '//');
}

/**
 * EVENTSTORE_CONNECTION_STRING set → the EventStoreDB adapter, after one read proves the server
 * answers (else a start-up error naming the address and the client's reason); PostgreSQL still
 * holds the read models, idempotency keys, checkpoints and the adapter's own tables, so
 * DATABASE_URL is required. Unset → the PostgreSQL event store in `client`'s database.
 */
export type EventStoreHooks = Readonly<{
  /** Events stored on EventStoreDB but their idempotency key not completed (settled by the next begin). */
  onCompletionError?: (error: unknown) => void;
  /** Each group-commit batch of the PostgreSQL store (metrics). */
  onBatch?: (batch: AppendBatchOutcome) => void;
}>;

export async function selectEventStore(config: LedgerConfig, client: SqlClient, hooks: EventStoreHooks = {}): Promise<SelectedEventStore> {
  const connectionString = config.eventStoreDbConnectionString;
  const onCompletionError = hooks.onCompletionError ?? (() => undefined);
  if (connectionString === undefined) {
    const store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client, ...(hooks.onBatch === undefined ? {} : { onBatch: hooks.onBatch }) });
    const keys = new PostgresIdempotencyStore({ client, ...IDEMPOTENCY_DEFAULTS });
    return {
      kind: 'postgres',
      store,
      idempotency: keys,
      close: async () => {
        await keys.close();
        await store.close();
      },
    };
  }
  const esdb = await connectEventStoreDb(connectionString);
  const store = new EventStoreDbEventStore({ ...EVENTSTORE_DB_DEFAULTS, client: esdb, sql: client, onCompletionError });
  const keys = new PostgresIdempotencyStore({ client, ...IDEMPOTENCY_DEFAULTS });
  const idempotency = new JournaledIdempotencyStore(keys, store.idempotencyJournal, (stream, events, expected) => store.append(stream, events, expected));
  return {
    kind: 'eventstoredb',
    store,
    idempotency,
    logQueries: { head: () => store.headPosition(), backlogAfter: (from, prefixes) => backlogViaPort(store, from, prefixes) },
    countRelayBacklog: async (from) => (await backlogViaPort(store, from, [PAYMENT_INTENT_STREAM_PREFIX])).events,
    close: async () => {
      await keys.close();
      await store.close();
      await esdb.dispose();
    },
  };
}

/** Refuses EVENTSTORE_CONNECTION_STRING without DATABASE_URL (call before opening anything). */
export function checkEventStoreConfig(config: LedgerConfig): void {
  if (config.eventStoreDbConnectionString !== undefined && config.database.kind !== 'postgres') {
    throw new ConfigError(
      'EVENTSTORE_CONNECTION_STRING is set but DATABASE_URL is not: with EventStoreDB, PostgreSQL still holds the read models, idempotency keys and checkpoints',
    );
  }
}

async function connectEventStoreDb(connectionString: string): Promise<EventStoreDBClient> {
  const address = redactConnectionString(connectionString);
  let esdb: EventStoreDBClient;
  try {
    esdb = EventStoreDBClient.connectionString(connectionString);
  } catch (error) {
    throw new ConfigError(`EVENTSTORE_CONNECTION_STRING ${address} is not a valid connection string: ${describeClientError(error)}`);
  }
  try {
    const probe = esdb.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, deadline: EVENTSTORE_PROBE_DEADLINE_MS });
    await new Promise<void>((resolve, reject) => {
      probe.on('error', reject).on('end', resolve).resume();
    });
  } catch (error) {
    await esdb.dispose().catch(() => undefined);
    throw new EventStoreUnreachableError(`EventStoreDB at ${address} is unreachable: ${describeClientError(error)}`);
  }
  return esdb;
}

/** Start-up could not reach the configured EventStoreDB. */
export class EventStoreUnreachableError extends Error {
  override readonly name = 'EventStoreUnreachableError';
}
