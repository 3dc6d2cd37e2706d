/**
 * The consumer side of the integration contract, as another bounded context would write it:
 * subscribe to the payments topic, route on the `event-type` header, skip (and log) event types
 * or versions this consumer does not support yet (`payment.completed.v2` before it is supported),
 * validate the body with the published schema, then hand the typed event to the handler.
 *
 * Delivery is at-least-once: a message can arrive twice (same `id`), so handlers dedupe by event
 * id. A handler error is NOT swallowed: kafkajs retries the message, and the offset only moves
 * past it once the handler succeeded.
 */
import { Kafka, logLevel, type Consumer, type IHeaders } from 'kafkajs';
import {
  PAYMENTS_TOPIC,
  integrationHeaderNames,
  isKnownPaymentEventType,
  paymentIntegrationEventSchemas,
  type PaymentIntegrationEvent,
} from '../../../schemas/integration/index.js';

export type MessageInfo = Readonly<{ topic: string; partition: number; offset: string; key: string | null }>;

export type ConsumerLog = (level: 'info' | 'warn' | 'error', message: string, fields: Readonly<Record<string, unknown>>) => void;

export type IntegrationConsumerOptions = Readonly<{
  brokers: readonly string[];
  groupId: string;
  topic?: string;
  /** A new group starts at the oldest message (true) or only new ones (false, the default). */
  fromBeginning?: boolean;
  handle: (event: PaymentIntegrationEvent, info: MessageInfo) => Promise<void>;
  log: ConsumerLog;
}>;

export type RunningConsumer = Readonly<{ stop: () => Promise<void> }>;

export type Decoded =
  Readonly<{ kind: 'event'; event: PaymentIntegrationEvent }> | Readonly<{ kind: 'unsupported'; type: string }> | Readonly<{ kind: 'invalid'; type: string; problem: string }>;

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value: unknown = headers?.[name];
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (Buffer.isBuffer(first)) return first.toString('utf8');
  return typeof first === 'string' ? first : undefined;
}

/**
 * Decides what one message is: a supported event (validated), an unsupported type or version to
 * skip, or an invalid message. Pure, so a consumer's tests can feed it raw messages.
 */
export function decodeMessage(headers: IHeaders | undefined, value: Buffer | null): Decoded {
  const type = header(headers, integrationHeaderNames.eventType) ?? '';
  if (!isKnownPaymentEventType(type)) return { kind: 'unsupported', type };
  let body: unknown;
  try {
    body = JSON.parse(value?.toString('utf8') ?? '');
  } catch {
    return { kind: 'invalid', type, problem: 'the body is not JSON' };
  }
  const parsed = paymentIntegrationEventSchemas[type].safeParse(body);
  if (!parsed.success) return { kind: 'invalid', type, problem: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  return { kind: 'event', event: parsed.data };
}

/** Starts consuming; resolves once the consumer runs. */
export async function consumeIntegrationEvents(options: IntegrationConsumerOptions): Promise<RunningConsumer> {
  const kafka = new Kafka({ clientId: options.groupId, brokers: [...options.brokers], logLevel: logLevel.WARN, connectionTimeout: 3_000 });
  const consumer: Consumer = kafka.consumer({ groupId: options.groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
  const topic = options.topic ?? PAYMENTS_TOPIC;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: options.fromBeginning ?? false });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const info: MessageInfo = { topic, partition, offset: message.offset, key: message.key?.toString('utf8') ?? null };
      const decoded = decodeMessage(message.headers, message.value);
      if (decoded.kind === 'unsupported') {
        options.log('info', 'skipping an event type this consumer does not support (yet)', { ...info, type: decoded.type });
        return;
      }
      if (decoded.kind === 'invalid') {
        // A real consumer would park it on a dead-letter topic; it must not block the partition.
        options.log('error', 'skipping a message that breaks the contract', { ...info, type: decoded.type, problem: decoded.problem });
        return;
      }
      await options.handle(decoded.event, info);
    },
  });
  return { stop: () => consumer.disconnect() };
}
