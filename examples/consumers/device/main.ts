/**
 * Demo: prints what each terminal would show. `KAFKA_BROKERS=127.0.0.1:9092 npx tsx examples/consumers/device/main.ts`
 * (optional TOPIC, default mpac.payments.v1; FROM_BEGINNING=1 to replay the topic).
 */
import { startDeviceConsumer } from './deviceConsumer.js';

const consumer = await startDeviceConsumer({
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  ...(process.env.TOPIC === undefined ? {} : { topic: process.env.TOPIC }),
  fromBeginning: process.env.FROM_BEGINNING === '1',
  sink: (output) => {
    const { title, body } = output.notification;
    process.stdout.write(`[${output.terminalId}] ${title}: ${body}\n${(output.receipt ?? []).map((line) => `    ${line}`).join('\n')}\n`);
  },
  log: (level, message, fields) => {
    process.stderr.write(`${JSON.stringify({ level, message, ...fields })}\n`);
  },
});
process.once('SIGINT', () => void consumer.stop());
process.once('SIGTERM', () => void consumer.stop());
