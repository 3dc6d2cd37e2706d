/**
 * Helpers for tests against the REAL broker: unique names, a topic reader, waiting with a
 * deadline, and a second broker on other ports (so a test can stop "Kafka" without touching the
 * shared one on 9092). Nothing here skips: an unreachable broker makes the calling test fail.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel, type Consumer, type IHeaders } from 'kafkajs';

const execFileAsync = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The shared test broker(s): KAFKA_BROKERS, or the scripts/kafka.sh default. */
export function testBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}

/** `prefix-<time>-<random>`: a topic, group or relay name no other run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
}

/** Polls `check` every 50 ms until it returns true; throws with `what` after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export type ReceivedMessage = Readonly<{
  partition: number;
  offset: string;
  key: string | null;
  headers: Readonly<Record<string, string>>;
  body: unknown;
}>;

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first: unknown = Array.isArray(value) ? value[0] : value;
    strings[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return strings;
}

export function testKafka(brokers: readonly string[]): Kafka {
  return new Kafka({
    clientId: 'ledger-test',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
  });
}

const createdTopics = new Map<string, readonly string[]>();

/** Creates `topic` with `partitions` (the relay then finds it). Fails, never skips, without a broker. */
export async function createTopic(brokers: readonly string[], topic: string, partitions: number): Promise<void> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true, timeout: 10_000 });
    createdTopics.set(topic, brokers);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topics this test file created on the shared broker (best effort: an `afterAll` step). */
export async function deleteCreatedTopics(): Promise<void> {
  const byBrokers = new Map<string, { brokers: readonly string[]; topics: string[] }>();
  for (const [topic, brokers] of createdTopics) {
    const entry = byBrokers.get(brokers.join(',')) ?? { brokers, topics: [] };
    entry.topics.push(topic);
    byBrokers.set(brokers.join(','), entry);
  }
  createdTopics.clear();
  for (const { brokers, topics } of byBrokers.values()) {
    const admin = testKafka(brokers).admin();
    try {
      await admin.connect();
      await admin.deleteTopics({ topics, timeout: 10_000 });
    } catch {
      // The broker may be gone (the restart test resets its own); leftovers have unique names.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

export type Collector = Readonly<{
  messages: readonly ReceivedMessage[];
  /** Waits until `predicate(messages)` holds. */
  waitFor: (predicate: (messages: readonly ReceivedMessage[]) => boolean, timeoutMs: number, what: string) => Promise<void>;
  stop: () => Promise<void>;
}>;

/** Reads `topic` from the beginning with a fresh consumer group, collecting every message in arrival order. */
export async function startCollector(brokers: readonly string[], topic: string): Promise<Collector> {
  const consumer: Consumer = testKafka(brokers).consumer({
    groupId: uniqueName('test-collector'),
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
  });
  const messages: ReceivedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: ({ partition, message }) => {
      const value = message.value?.toString('utf8');
      messages.push({
        partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? null,
        headers: headerStrings(message.headers),
        body: value === undefined ? null : JSON.parse(value),
      });
      return Promise.resolve();
    },
  });
  return {
    messages,
    waitFor: (predicate, timeoutMs, what) => waitUntil(() => predicate(messages), timeoutMs, what),
    stop: () => consumer.disconnect(),
  };
}

/** A second broker on its own ports and data folder, run by scripts/kafka.sh; `reset` deletes it. */
export function secondBroker(port = 19092, controllerPort = 19093) {
  const run = async (command: 'start' | 'stop' | 'reset'): Promise<void> => {
    await execFileAsync('bash', [join(ROOT, 'scripts', 'kafka.sh'), command], {
      env: { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort), KAFKA_NUM_PARTITIONS: '3' },
      timeout: 120_000,
    });
  };
  return { brokers: [`127.0.0.1:${port}`], start: () => run('start'), stop: () => run('stop'), reset: () => run('reset') };
}
