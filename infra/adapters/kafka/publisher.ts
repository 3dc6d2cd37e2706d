/**
 * The relay's side of Kafka: an idempotent kafkajs producer (acks = all, one request in flight,
 * so a retried request cannot reorder or duplicate within the producer session), the topic's
 * creation, and the contract's message shape (key = payment intent id, JSON body, headers).
 */
import { Kafka, Partitioners, logLevel, type LogEntry, type Message, type Producer } from 'kafkajs';
import type { OutgoingIntegrationEvent } from '../../../schemas/integration/index.js';

/** The subset of a pino logger the relay writes to. */
export type RelayLogger = Readonly<{
  debug: (object: object, message: string) => void;
  info: (object: object, message: string) => void;
  warn: (object: object, message: string) => void;
  error: (object: object, message: string) => void;
}>;

export type PublisherOptions = Readonly<{
  brokers: readonly string[];
  clientId: string;
  topic: string;
  /** Partitions of the topic when the relay creates it. */
  partitions: number;
  /** Create the topic when it is missing (false: it is managed elsewhere). */
  createTopic: boolean;
  /** Largest total of message bytes in one produce request (< the broker's message.max.bytes). */
  requestBytesMax: number;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  logger: RelayLogger;
}>;

export type Publisher = Readonly<{
  /** Creates the topic if missing and configured to, and connects a producer. Idempotent. */
  connect: () => Promise<void>;
  /** Sends in order, in requests of at most `requestBytesMax`; resolves once the broker acknowledged every message. */
  publish: (messages: readonly OutgoingIntegrationEvent[]) => Promise<void>;
  /** Drops the producer after a failure; the next `connect` starts a fresh one. */
  reset: () => Promise<void>;
  close: () => Promise<void>;
}>;

/** The Kafka message of one integration event: key, JSON body, the contract's headers. */
export function toKafkaMessage(outgoing: OutgoingIntegrationEvent): Message {
  return { key: outgoing.key, value: Buffer.from(JSON.stringify(outgoing.event)), headers: { ...outgoing.headers } };
}

/** kafkajs logs every retry as an error; the relay reports broker trouble itself, so they go one level down. */
function logCreator(logger: RelayLogger) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      const { message, ...extra } = log;
      const fields = { kafkajs: namespace, ...extra };
      if (level === logLevel.ERROR) logger.warn(fields, message);
      else logger.debug(fields, message);
    };
}

/** Splits messages, in order, into groups of at most `bytesMax` (a larger single message travels alone). */
export function chunkByBytes(messages: readonly Message[], bytesMax: number): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = (message.value instanceof Buffer ? message.value.length : 0) + 256;
    if (current.length > 0 && bytes + size > bytesMax) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** A publisher for `options.topic` on `options.brokers`. Nothing connects until `connect`. */
export function createKafkaPublisher(options: PublisherOptions): Publisher {
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.INFO,
    logCreator: logCreator(options.logger),
    connectionTimeout: options.connectionTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  let producer: Producer | undefined;
  let topicReady = false;

  const ensureTopic = async (): Promise<void> => {
    if (topicReady || !options.createTopic) return;
    const admin = kafka.admin();
    await admin.connect();
    try {
      const existing = await admin.listTopics();
      if (!existing.includes(options.topic)) {
        await admin.createTopics({ topics: [{ topic: options.topic, numPartitions: options.partitions }], waitForLeaders: true, timeout: options.requestTimeoutMs });
        options.logger.info({ topic: options.topic, partitions: options.partitions }, 'relay created the topic');
      }
      topicReady = true;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };

  const reset = async (): Promise<void> => {
    const current = producer;
    producer = undefined;
    await current?.disconnect().catch(() => undefined);
  };

  return {
    async connect() {
      await ensureTopic();
      if (producer !== undefined) return;
      const created = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        // Bounded, so a broker outage surfaces to the relay (which waits and reports it); the
        // relay re-sends the same messages, so a lost reply costs a duplicate with the same id.
        retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
      });
      await created.connect();
      producer = created;
    },
    async publish(messages) {
      if (producer === undefined) throw new Error('publisher not connected');
      for (const chunk of chunkByBytes(messages.map(toKafkaMessage), options.requestBytesMax)) {
        await producer.send({ topic: options.topic, acks: -1, timeout: options.requestTimeoutMs, messages: chunk });
      }
    },
    reset,
    close: reset,
  };
}
