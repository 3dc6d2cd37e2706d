/** The device consumer against the REAL broker (fails without one): each event shown once, v2 and broken messages skipped. */
import { afterAll, expect, it } from 'vitest';
import { createTopic, deleteCreatedTopics, testBrokers, uniqueName, waitUntil } from '../../../test/support/kafka/kafkaTestKit.js';
import type { RunningConsumer } from '../shared/consumeIntegrationEvents.js';
import { produce, scenarioEvents, scenarioMessages } from '../shared/testing/scenarioMessages.js';
import { startDeviceConsumer, type DeviceOutput } from './deviceConsumer.js';

const brokers = testBrokers();
let consumer: RunningConsumer | undefined;
afterAll(async () => {
  await consumer?.stop();
  await deleteCreatedTopics();
});

it('shows every payment event once on its terminal: receipts for money that moved, notifications for all', async () => {
  const topic = uniqueName('test.payments.device');
  await createTopic(brokers, topic, 3);
  const events = scenarioEvents();
  await produce(brokers, topic, scenarioMessages(events));

  const shown: DeviceOutput[] = [];
  const logs: { level: string; message: string; fields: Readonly<Record<string, unknown>> }[] = [];
  consumer = await startDeviceConsumer({
    brokers,
    topic,
    groupId: uniqueName('device'),
    fromBeginning: true,
    sink: (output) => {
      shown.push(output);
    },
    log: (level, message, fields) => {
      logs.push({ level, message, fields });
    },
  });
  // 8 distinct events shown; 2 duplicates, the v2 and the broken message logged (3 partitions: wait for all).
  await waitUntil(() => shown.length >= events.length && logs.length >= 4, 30_000, 'every message consumed');
  await new Promise((resolve) => setTimeout(resolve, 200)); // nothing more may arrive
  expect(shown).toHaveLength(events.length);
  expect(logs.filter((log) => log.message.startsWith('duplicate'))).toHaveLength(2);

  expect(shown.map((output) => output.eventId).sort()).toEqual(events.map((event) => event.event.id).sort());
  const completedCash = shown.find((output) => output.eventId === events[0]?.event.id);
  expect(completedCash?.notification).toEqual({ severity: 'success', title: 'Payment completed', body: '￥1,250 received' });
  expect(completedCash?.receipt).toEqual(expect.arrayContaining(['RECEIPT', 'Order member-a', 'Total    ￥1,250', 'Cash', '  Tendered ￥2,000', '  Change   ￥750']));
  const declined = shown.find((output) => output.notification.title === 'Card declined');
  expect(declined?.notification.body).toBe('Declined by issuer (insufficient_funds). Try again or use another method.');
  expect(declined?.receipt).toBeNull();
  expect(shown.filter((output) => output.receipt !== null)).toHaveLength(6);
  expect(shown.every((output) => output.terminalId === events[0]?.event.terminal_id)).toBe(true);
  expect(logs.filter((log) => log.message.includes('does not support')).map((log) => [log.level, log.fields.type])).toEqual([['info', 'payment.completed.v2']]);
  expect(logs.filter((log) => log.message.includes('breaks the contract')).map((log) => [log.level, log.fields.type])).toEqual([['error', 'payment.completed.v1']]);
});
