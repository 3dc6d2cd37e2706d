/**
 * OpenTelemetry end to end: spans exported over real OTLP/HTTP (JSON) to a tiny receiver in this
 * test, and one trace that runs from the HTTP request through decide and append (with the
 * group-commit batch size), the projector batch and the relay's send to the REAL Kafka broker
 * (KAFKA_BROKERS, default 127.0.0.1:9092), whose message carries the send span in `traceparent`.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushTracing, installTracing } from '../../infra/adapters/observability/tracing.js';
import { createLogger } from '../../infra/adapters/observability/logger.js';
import { startRelay, type RelayHandle } from '../../infra/runtime/relay/relay.js';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../support/testLedger.js';
import { createTopic, deleteCreatedTopics, startCollector, testBrokers, uniqueName, waitUntil, type Collector } from '../support/kafka/kafkaTestKit.js';

type ReceivedSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  links?: { traceId: string; spanId: string }[];
};

const spans: ReceivedSpan[] = [];
const contentTypes = new Set<string>();
let receiver: Server;
let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;
let relay: RelayHandle | undefined;
let collector: Collector | undefined;

/** An OTLP/HTTP trace receiver: POST /v1/traces with the JSON encoding. */
async function startReceiver(): Promise<string> {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      contentTypes.add(request.headers['content-type'] ?? '');
      if (request.method === 'POST' && request.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: { scopeSpans: { spans: ReceivedSpan[] }[] }[] };
        for (const resource of body.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  if (typeof address !== 'object' || address === null) throw new Error('receiver has no port');
  return `http://127.0.0.1:${address.port}`;
}

const attribute = (span: ReceivedSpan | undefined, key: string): unknown => {
  const value = span?.attributes.find((entry) => entry.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
};

beforeAll(async () => {
  process.env.OTEL_BSP_SCHEDULE_DELAY = '100';
  installTracing({ otlpEndpoint: await startReceiver(), serviceName: 'ledger-under-test' });
  harness = await startTestLedger();
  tenant = await harness.tenant();
  terminal = await harness.asTerminal(tenant);
});
afterAll(async () => {
  await relay?.stop();
  await collector?.stop();
  await harness.close();
  await deleteCreatedTopics();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('OTLP/HTTP export', () => {
  it('one trace connects the HTTP request to decide, append, the projector batch and the relay send, and the Kafka message carries it', async () => {
    const brokers = testBrokers();
    const topic = uniqueName('test.traces');
    await createTopic(brokers, topic, 1);
    collector = await startCollector(brokers, topic);
    relay = startRelay({
      client: harness.ledger.client,
      store: harness.ledger.store,
      brokers,
      logger: createLogger('silent'),
      name: uniqueName('trace-relay'),
      topic,
      initialPosition: await harness.ledger.store.headPosition(),
    });

    const created = await terminal.post('/v1/payment_intents', { amount: 1200, mode: 'manual' });
    const id = created.json<{ id: string }>().id;
    const confirmed = await terminal.post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'cash', tendered: 1200 } });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const traceId = String(confirmed.headers['trace-id']);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    await collector.waitFor((messages) => messages.some((message) => message.key === id), 30_000, 'the payment.completed message');
    await harness.ledger.projections.caughtUp();
    const inTrace = (name: string) => spans.find((span) => span.traceId === traceId && span.name.startsWith(name));
    // A projector batch holding events of several requests continues the first one's trace and links the others.
    const projectorBatch = () =>
      spans.find((span) => span.name === 'projection payment_intents batch' && (span.traceId === traceId || (span.links ?? []).some((link) => link.traceId === traceId)));
    await waitUntil(
      async () => {
        await flushTracing();
        return ['POST /v1/payment_intents/', 'decide', 'ledger.append', `${topic} send`].every((name) => inTrace(name) !== undefined) && projectorBatch() !== undefined;
      },
      20_000,
      'the request, decide, append, projector and send spans of the trace',
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; received: ${JSON.stringify(spans.map((span) => [span.traceId === traceId, span.name, span.parentSpanId]))}`);
    });

    const request = inTrace('POST /v1/payment_intents/');
    const send = inTrace(`${topic} send`);
    expect(request?.name).toBe('POST /v1/payment_intents/:payment_intent_id/confirm');
    expect(request?.parentSpanId ?? '').toBe('');
    expect(inTrace('decide')?.parentSpanId).toBe(request?.spanId);
    expect(inTrace('ledger.append')?.parentSpanId).toBe(request?.spanId);
    expect(attribute(inTrace('ledger.append'), 'ledger.append.batch_requests')).toBeGreaterThanOrEqual(1);
    expect(send?.parentSpanId).toBe(request?.spanId);
    expect(send?.kind).toBe(4); // PRODUCER
    expect(attribute(send, 'messaging.kafka.message.key')).toBe(id);
    const batch = projectorBatch();
    expect(batch?.parentSpanId === request?.spanId || (batch?.links ?? []).some((link) => link.spanId === request?.spanId)).toBe(true);

    const message = collector.messages.find((candidate) => candidate.key === id);
    expect(message?.headers.traceparent).toBe(`00-${traceId}-${send?.spanId}-01`);
    expect([...contentTypes]).toContain('application/json');
  });
});
