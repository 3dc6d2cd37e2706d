import { describe, expect, it } from 'vitest';
import type { Message } from 'kafkajs';
import { mapBatch } from '../../../projections/integration/index.js';
import { commandsFor, decideAll, intentIds } from '../../../projections/integration/testing/paymentScenarios.js';
import { PAYMENTS_TOPIC } from '../../../schemas/integration/index.js';
import { RELAY_BACKOFF, backoffDelay, sleep } from '../../adapters/kafka/backoff.js';
import { chunkByBytes, toKafkaMessage } from '../../adapters/kafka/publisher.js';
import { relaySettings } from './relayOptions.js';
import { RateMeter } from './relayStatus.js';

describe('backoff', () => {
  it('doubles from 100 ms and never exceeds 5 s, with ±20 % jitter', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, RELAY_BACKOFF, () => 0.5))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay(7, RELAY_BACKOFF, () => 0.5)).toBe(5_000);
    expect(backoffDelay(1_000, RELAY_BACKOFF, () => 1)).toBe(5_000);
    expect(backoffDelay(1, RELAY_BACKOFF, () => 0)).toBe(80);
    expect(backoffDelay(1, RELAY_BACKOFF, () => 1)).toBe(120);
  });

  it('sleep ends early when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = sleep(10_000, controller.signal);
    controller.abort();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('Kafka messages', () => {
  const ids = intentIds(3);
  const c = commandsFor(ids, '2025-06-01T10:00:00.000Z');
  const events = decideAll([c.create('manual', 1000, { clientReferenceId: 'order-3' }), c.payCash(1000)]);
  const sources = events.map((event, index) => ({ id: `00000000-0000-4000-8000-00000000000${index}`, event, traceparent: null }));
  const [outgoing] = mapBatch(sources, new Map()).outgoing;

  it('key = payment intent id, value = the JSON body, headers = the contract headers', () => {
    if (outgoing === undefined) throw new Error('no message');
    const message = toKafkaMessage(outgoing);
    expect(message.key).toBe(ids.paymentIntentId);
    expect(JSON.parse(String(message.value))).toEqual(outgoing.event);
    expect(message.headers).toEqual(outgoing.headers);
  });

  it('are chunked in order under the byte limit; an oversized one travels alone', () => {
    const message = (bytes: number): Message => ({ key: 'k', value: Buffer.alloc(bytes) });
    const chunks = chunkByBytes([message(500), message(500), message(500), message(5_000), message(10)], 1_600);
    expect(chunks.map((chunk) => chunk.map((entry) => (entry.value as Buffer).length))).toEqual([[500, 500], [500], [5_000], [10]]);
    expect(chunkByBytes([], 1_000)).toEqual([]);
  });
});

describe('RateMeter', () => {
  it('averages over its window and forgets what fell out of it', () => {
    let now = 1_000_000;
    const meter = new RateMeter(10, () => now);
    meter.add(500);
    now += 3_000;
    meter.add(500);
    expect(meter.perSecond()).toBe(100);
    now += 9_000;
    expect(meter.perSecond()).toBe(50);
    now += 10_000;
    expect(meter.perSecond()).toBe(0);
  });
});

describe('relay settings', () => {
  it('default to the public topic, the `payments` relay and the start of the log', () => {
    const settings = relaySettings({ client: {} as never, store: {} as never, brokers: [], logger: {} as never });
    expect(settings).toMatchObject({
      name: 'payments',
      topic: PAYMENTS_TOPIC,
      batchSizeMax: 5_000,
      backoff: { initialMs: 100, maxMs: 5_000 },
      initialPosition: { commit: 0n, prepare: 0n },
    });
  });
});
