/**
 * Demo: `KAFKA_BROKERS=127.0.0.1:9092 LOYALTY_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/loyalty npx tsx examples/consumers/loyalty/main.ts`
 * (optional TOPIC, default mpac.payments.v1; FROM_BEGINNING=1 to replay the topic).
 */
import pg from 'pg';
import { startLoyaltyConsumer } from './loyaltyConsumer.js';

const pool = new pg.Pool({ connectionString: process.env.LOYALTY_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/loyalty', max: 4 });
const consumer = await startLoyaltyConsumer({
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  pool,
  ...(process.env.TOPIC === undefined ? {} : { topic: process.env.TOPIC }),
  fromBeginning: process.env.FROM_BEGINNING === '1',
  log: (level, message, fields) => {
    process.stderr.write(`${JSON.stringify({ level, message, ...fields })}\n`);
  },
  onApplied: (event, outcome) => {
    process.stdout.write(`${event.type} ${event.payment_intent_id} ${event.client_reference_id ?? '-'}: ${outcome}\n`);
  },
});
const shutdown = (): void => {
  void consumer.stop().then(() => pool.end());
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
