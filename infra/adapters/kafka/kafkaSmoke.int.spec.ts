// Smoke test against the REAL Apache Kafka broker (started by `bash scripts/kafka.sh start`):
// proves kafkajs can create a topic, write keyed messages with headers through an idempotent
// producer (acks=all), and read them back through a consumer group from the beginning, with
// keys, values, headers and order intact. No broker reachable => the suite FAILS, never skips.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Admin, Consumer, IHeaders, KafkaMessage, Producer } from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim())
  .filter((b) => b.length > 0);

const runId = `${Date.now()}-${randomUUID().slice(0, 8)}`;
const topic = `ledger-smoke-${runId}`;
const groupId = `ledger-smoke-group-${runId}`;
const SEND_TIMEOUT_MS = 30_000;
const CONSUME_TIMEOUT_MS = 30_000;

const kafka = new Kafka({
  clientId: 'ledger-kafka-smoke',
  brokers,
  logLevel: logLevel.WARN,
  connectionTimeout: 3_000,
  requestTimeout: 10_000,
  retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
});

interface Expected {
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, Buffer>>;
}

const binaryHeader = Buffer.from([0x00, 0x01, 0x7f, 0x80, 0xff]);
const expected: readonly Expected[] = Array.from({ length: 5 }, (_, i) => ({
  key: `account-${i % 2}`,
  value: JSON.stringify({ seq: i, type: 'PaymentCaptured', amountMinor: 1_000 + i, currency: 'EUR' }),
  headers: {
    'event-type': Buffer.from('PaymentCaptured'),
    'correlation-id': Buffer.from(`corr-${runId}-${i}`),
    seq: Buffer.from(String(i)),
    bin: binaryHeader,
  },
}));

let admin: Admin | undefined;
let producer: Producer | undefined;
let consumer: Consumer | undefined;
let topicCreated = false;

function headerBuffer(headers: IHeaders | undefined, name: string): Buffer {
  const value = headers?.[name];
  if (value === undefined) throw new Error(`header ${name} missing`);
  if (Array.isArray(value)) throw new Error(`header ${name} repeated`);
  return Buffer.isBuffer(value) ? value : Buffer.from(value);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what}: timed out after ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

describe(`real Kafka broker at ${brokers.join(',')}`, () => {
  afterAll(async () => {
    const errors: unknown[] = [];
    const attempt = async (step: () => Promise<unknown>): Promise<void> => {
      try {
        await step();
      } catch (err) {
        errors.push(err);
      }
    };
    if (consumer !== undefined) await attempt(() => consumer!.disconnect());
    if (producer !== undefined) await attempt(() => producer!.disconnect());
    if (admin !== undefined) {
      if (consumer !== undefined) await attempt(() => admin!.deleteGroups([groupId]));
      if (topicCreated) await attempt(() => admin!.deleteTopics({ topics: [topic], timeout: 10_000 }));
      await attempt(() => admin!.disconnect());
    }
    // cleanup errors only matter if the tests themselves got far enough to need cleaning up
    if (topicCreated && errors.length > 0) throw errors[0];
  });

  it('round-trips keyed messages with headers through an idempotent producer and a consumer group, in order', async () => {
    // connecting inside the test (not in beforeAll) makes an unreachable broker a FAILED test,
    // not a skipped one
    const a = kafka.admin();
    admin = a;
    await withTimeout(a.connect(), 20_000, `connecting to Kafka at ${brokers.join(',')}`);
    const created = await a.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
      timeout: 10_000,
    });
    expect(created).toBe(true);
    topicCreated = true;

    const p = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // idempotence wants unlimited retries (kafkajs warns otherwise); the bound is SEND_TIMEOUT_MS
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    producer = p;
    await p.connect();
    const metadata = await withTimeout(
      p.send({
        topic,
        acks: -1,
        timeout: 10_000,
        messages: expected.map((m) => ({ key: m.key, value: m.value, headers: { ...m.headers } })),
      }),
      SEND_TIMEOUT_MS,
      `producing ${expected.length} messages to ${topic}`,
    );
    expect(metadata).toHaveLength(1);
    expect(metadata[0]).toMatchObject({ topicName: topic, partition: 0, errorCode: 0, baseOffset: '0' });

    const received: { topic: string; partition: number; message: KafkaMessage }[] = [];
    const c = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    consumer = c;
    await c.connect();
    await c.subscribe({ topics: [topic], fromBeginning: true });
    const allReceived = new Promise<void>((resolve) => {
      void c.run({
        // only collect here: an assertion thrown inside kafkajs' handler would just be retried
        eachMessage: ({ topic: t, partition, message }) => {
          received.push({ topic: t, partition, message });
          if (received.length >= expected.length) resolve();
          return Promise.resolve();
        },
      });
    });
    await withTimeout(allReceived, CONSUME_TIMEOUT_MS, `consuming ${expected.length} messages from ${topic}`);
    await c.stop(); // commits the consumed offsets

    expect(received).toHaveLength(expected.length);
    expect(received.map((r) => [r.topic, r.partition])).toEqual(expected.map(() => [topic, 0]));
    const messages = received.map((r) => r.message);
    expect(messages.map((m) => m.offset)).toEqual(expected.map((_, i) => String(i)));
    expect(messages.map((m) => m.key?.toString('utf8'))).toEqual(expected.map((m) => m.key));
    expect(messages.map((m) => m.value?.toString('utf8'))).toEqual(expected.map((m) => m.value));
    messages.forEach((message, i) => {
      const want = expected[i];
      if (want === undefined) throw new Error(`unexpected message at index ${i}`);
      expect(Object.keys(message.headers ?? {}).sort()).toEqual(Object.keys(want.headers).sort());
      for (const [name, value] of Object.entries(want.headers)) {
        expect(headerBuffer(message.headers, name).equals(value), `header ${name} of message ${i}`).toBe(true);
      }
    });

    // the consumer group committed exactly past the last message
    const committed = await a.fetchOffsets({ groupId, topics: [topic] });
    expect(committed).toEqual([{ topic, partitions: [expect.objectContaining({ partition: 0, offset: String(expected.length) })] }]);
  });
});
