/**
 * A relay in its own process, for the crash test (relayCrash.int.spec.ts): after the broker
 * acknowledged batch number RELAY_KILL_AFTER_BATCH and BEFORE that batch's checkpoint commit, it
 * SIGKILLs itself — no flush, no graceful anything, the database session and the producer just die.
 *
 * Environment: DATABASE_URL, KAFKA_BROKERS, RELAY_NAME, RELAY_TOPIC, RELAY_FROM ("xid:gp"),
 * RELAY_BATCH_SIZE, RELAY_KILL_AFTER_BATCH. Prints one JSON line per acknowledged batch.
 */
import { parsePosition } from '../../../domain/eventStore/index.js';
import { createPgClient } from '../../../infra/adapters/db/pgClient.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from '../../../infra/adapters/eventStore/postgres/postgresEventStore.js';
import { createLogger } from '../../../infra/adapters/observability/logger.js';
import { startRelay } from '../../../infra/runtime/relay/relay.js';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

const from = parsePosition(required('RELAY_FROM'));
if (from === undefined) throw new Error('RELAY_FROM must be "xid:gp"');
const killAfter = Number(required('RELAY_KILL_AFTER_BATCH'));
const client = createPgClient({
  connectionString: required('DATABASE_URL'),
  poolSizeMax: 4,
  statementTimeoutMs: 30_000,
  idleInTransactionTimeoutMs: 10_000,
  applicationName: 'relay-crash-child',
});
const store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client });
let batches = 0;
startRelay({
  client,
  store,
  brokers: required('KAFKA_BROKERS').split(','),
  logger: createLogger('silent'),
  name: required('RELAY_NAME'),
  topic: required('RELAY_TOPIC'),
  initialPosition: from,
  batchSizeMax: Number(required('RELAY_BATCH_SIZE')),
  hooks: {
    afterPublish: ({ messages, checkpoint }) => {
      batches += 1;
      process.stdout.write(`${JSON.stringify({ batch: batches, messages, checkpoint: `${checkpoint.commit}:${checkpoint.prepare}` })}\n`);
      if (batches === killAfter) process.kill(process.pid, 'SIGKILL');
    },
  },
});
