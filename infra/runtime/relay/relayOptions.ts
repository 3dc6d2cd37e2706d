import type { EventStore, LogPosition } from '../../../domain/eventStore/index.js';
import { LOG_START } from '../../../domain/eventStore/index.js';
import { PAYMENTS_TOPIC } from '../../../schemas/integration/index.js';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import type { BackoffPolicy } from '../../adapters/kafka/backoff.js';
import { RELAY_BACKOFF } from '../../adapters/kafka/backoff.js';
import type { RelayLogger } from '../../adapters/kafka/publisher.js';

/** Test seams: called between steps of a batch, to crash the relay at a chosen point. */
export type RelayHooks = Readonly<{
  /** After the broker acknowledged a batch, before its checkpoint commit. */
  afterPublish?: (batch: Readonly<{ events: number; messages: number; checkpoint: LogPosition }>) => Promise<void> | void;
}>;

export type RelayOptions = Readonly<{
  client: SqlClient;
  store: EventStore;
  /** KAFKA_BROKERS; empty = no broker configured: the relay does not run and reports its backlog. */
  brokers: readonly string[];
  logger: RelayLogger;
  /** Checkpoint row and lock name; one active relay per name per database. Default `payments`. */
  name?: string;
  /** Default `mpac.payments.v1`; tests use a unique topic per run. */
  topic?: string;
  /** Partitions when the relay creates the topic (default 6). */
  topicPartitions?: number;
  /** Create the topic when missing (default true). */
  createTopic?: boolean;
  /** Log events read per batch (default 5000; the store caps a read at 10 000). */
  batchSizeMax?: number;
  /** Message bytes per produce request (default 900 000, under the broker's 1 MiB message.max.bytes). */
  requestBytesMax?: number;
  /** How often a standby relay tries the lock (default 1000 ms). */
  lockPollMs?: number;
  /** Waits between retries when the broker or database fails (default 100 ms doubling to 5 s). */
  backoff?: BackoffPolicy;
  /** Where a relay without a checkpoint starts (default: the start of the log). */
  initialPosition?: LogPosition;
  clientId?: string;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  hooks?: RelayHooks;
  /** PaymentIntent events after a position, for a store whose log is not in this database (EventStoreDB). Default: SQL. */
  countBacklog?: (from: LogPosition) => Promise<number>;
}>;

export type RelaySettings = Required<Omit<RelayOptions, 'hooks' | 'countBacklog'>> & Readonly<{ hooks: RelayHooks; countBacklog?: (from: LogPosition) => Promise<number> }>;

export const DEFAULT_RELAY_NAME = 'payments';

/** The options with every default filled in. */
export function relaySettings(options: RelayOptions): RelaySettings {
  return {
    name: DEFAULT_RELAY_NAME,
    topic: PAYMENTS_TOPIC,
    topicPartitions: 6,
    createTopic: true,
    batchSizeMax: 5_000,
    requestBytesMax: 900_000,
    lockPollMs: 1_000,
    backoff: RELAY_BACKOFF,
    initialPosition: LOG_START,
    clientId: 'mpac-ledger-relay',
    connectionTimeoutMs: 3_000,
    requestTimeoutMs: 10_000,
    hooks: {},
    ...withoutUndefined(options),
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
