/**
 * Relay benchmark: a backlog of PaymentIntent events in a fresh database, then the relay drains
 * it to the REAL Kafka broker (idempotent producer, acks=all). Measures log events/s from the log
 * to broker-acknowledged messages, messages/s, and the time to drain the whole backlog.
 *
 *   npx tsx bench/relay/run.ts            (proposed: npm run bench:relay)
 *
 * Environment (all optional): BENCH_POSTGRES_URL, KAFKA_BROKERS (127.0.0.1:9092),
 * BENCH_RELAY_EVENTS (1000000), BENCH_RELAY_BATCH (5000 log events per relay batch),
 * BENCH_RELAY_PARTITIONS (6), BENCH_RELAY_INSERT_ROWS (10000 per backlog statement),
 * BENCH_KEEP=1 (keep the database and the topic), BENCH_CODE_NOTE (free text recorded in the result).
 *
 * stdout: one JSON object (also written to bench/results/relay-<timestamp>.json); stderr: progress.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { comparePositions } from '../../domain/eventStore/index.js';
import { migrate } from '../../infra/adapters/db/migrate.js';
import { createPgClient } from '../../infra/adapters/db/pgClient.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from '../../infra/adapters/eventStore/postgres/postgresEventStore.js';
import type { SqlClient } from '../../infra/adapters/db/sqlClient.js';
import { startRelay } from '../../infra/runtime/relay/relay.js';
import type { RelayStatus } from '../../infra/runtime/relay/relayStatus.js';
import { createLogger } from '../../infra/adapters/observability/logger.js';
import { round3 } from '../shared/latency.js';
import { CpuMeter, machineInfo } from '../shared/machine.js';
import { BENCH_SERVER_URL, databaseUrl, dropDatabase, recreateDatabase, serverInfo } from '../shared/postgres.js';
import { buildBacklog } from './backlog.js';

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
const TARGET_EVENTS_PER_S = 20_000;
const number = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const config = {
  events: number('BENCH_RELAY_EVENTS', 1_000_000),
  batchSizeMax: number('BENCH_RELAY_BATCH', 5_000),
  partitions: number('BENCH_RELAY_PARTITIONS', 6),
  insertRows: number('BENCH_RELAY_INSERT_ROWS', 10_000),
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  keep: process.env.BENCH_KEEP === '1',
};
const say = (message: string): void => {
  process.stderr.write(`[bench:relay] ${message}\n`);
};

function percentileOf(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return round3(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
}

async function topicMessages(topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'bench-relay', brokers: config.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  } finally {
    await admin.disconnect();
  }
}

async function deleteTopic(topic: string): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-relay', brokers: config.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic], timeout: 30_000 }).catch(() => undefined);
  await admin.disconnect();
}

type Drain = Readonly<{
  relayed: number;
  messages: number;
  seconds: number;
  batchMs: readonly number[];
  perSecond: ReadonlyMap<number, number>;
  cpu: ReturnType<CpuMeter['read']>;
  finalStatus: RelayStatus;
}>;

/** Runs the relay from the start of the log until its checkpoint reaches the head; measures on the way. */
async function drain(client: SqlClient, store: PostgresEventStore, topic: string): Promise<Drain> {
  const head = await store.headPosition();
  const batchMs: number[] = [];
  const perSecond = new Map<number, number>();
  let relayed = 0;
  let messages = 0;
  let batchStarted = performance.now();
  let resolveDrained: () => void = () => undefined;
  const drained = new Promise<void>((resolve) => (resolveDrained = resolve));
  const cpu = new CpuMeter();
  cpu.start();
  const relayStarted = performance.now();
  const relay = startRelay({
    client,
    store,
    brokers: config.brokers,
    logger: createLogger('warn'),
    name: 'bench',
    topic,
    topicPartitions: config.partitions,
    batchSizeMax: config.batchSizeMax,
    hooks: {
      afterPublish: (batch) => {
        const now = performance.now();
        batchMs.push(now - batchStarted);
        batchStarted = now;
        relayed += batch.events;
        messages += batch.messages;
        const second = Math.floor((now - relayStarted) / 1000);
        perSecond.set(second, (perSecond.get(second) ?? 0) + batch.events);
        // Done when the relay's checkpoint reaches the head of the log (whatever it counted on the way).
        if (comparePositions(batch.checkpoint, head) >= 0) resolveDrained();
      },
    },
  });
  const progress = setInterval(() => {
    say(`  relayed ${relayed} events, ${messages} messages`);
  }, 5_000);
  await drained;
  const seconds = (performance.now() - relayStarted) / 1000;
  cpu.stop();
  clearInterval(progress);
  // The hook runs before the last batch's commit: let it land before reading the final status.
  let finalStatus = await relay.status();
  for (let tries = 0; tries < 100 && finalStatus.backlogEvents > 0; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    finalStatus = await relay.status();
  }
  await relay.stop();
  return { relayed, messages, seconds, batchMs, perSecond, cpu: cpu.read(), finalStatus };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const database = 'bench_relay';
  const topic = `bench.payments.${stamp.toLowerCase()}`;
  const machine = machineInfo();
  const postgres = await serverInfo();
  await recreateDatabase(database);
  const client = createPgClient({
    connectionString: databaseUrl(database),
    poolSizeMax: 8,
    statementTimeoutMs: 300_000,
    idleInTransactionTimeoutMs: 60_000,
    applicationName: 'bench-relay',
  });
  await migrate(client);

  say(`building a backlog of ${config.events} events in ${database} …`);
  let reported = 0;
  const backlog = await buildBacklog(client, config.events, config.insertRows, (events) => {
    if (events - reported >= 100_000) {
      reported = events;
      say(`  ${events} events inserted`);
    }
  });
  await client.query('ANALYZE ledger_events');
  say(`backlog: ${backlog.events} events, ${backlog.intents} intents in ${round3(backlog.seconds)} s (${Math.round(backlog.events / backlog.seconds)} events/s)`);

  const store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client });
  const run = await drain(client, store, topic);
  const onTopic = await topicMessages(topic);
  await store.close();
  await client.close();

  const eventsPerS = Math.round(backlog.events / run.seconds);
  const complete = run.relayed === backlog.events && onTopic === backlog.expectedMessages;
  const result = {
    benchmark: 'relay',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine,
    postgres,
    config: { ...config, serverUrl: BENCH_SERVER_URL, database, topic },
    note: process.env.BENCH_CODE_NOTE ?? null,
    backlog: { ...backlog, seconds: round3(backlog.seconds), eventsPerS: Math.round(backlog.events / backlog.seconds) },
    relay: {
      events: run.relayed,
      eventsMissing: backlog.events - run.relayed,
      messages: run.messages,
      drainSeconds: round3(run.seconds),
      eventsPerS,
      messagesPerS: Math.round(run.messages / run.seconds),
      batches: run.batchMs.length,
      batchMs: { p50: percentileOf(run.batchMs, 50), p90: percentileOf(run.batchMs, 90), p99: percentileOf(run.batchMs, 99), max: percentileOf(run.batchMs, 100) },
      eventsPerSecondSeries: [...run.perSecond.keys()].sort((a, b) => a - b).map((second) => run.perSecond.get(second) ?? 0),
      cpu: run.cpu,
      finalStatus: run.finalStatus,
    },
    kafka: { brokers: config.brokers, topic, partitions: config.partitions, messagesOnTopic: onTopic, expectedMessages: backlog.expectedMessages },
    complete,
    target: { eventsPerS: TARGET_EVENTS_PER_S, met: eventsPerS >= TARGET_EVENTS_PER_S && complete },
  };
  if (!config.keep) {
    await deleteTopic(topic);
    await dropDatabase(database);
  }
  const json = JSON.stringify(result, null, 2);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `relay-${stamp}.json`), `${json}\n`);
  process.stdout.write(`${json}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench:relay] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
