/**
 * A relay killed mid-batch loses nothing: a relay in a child process SIGKILLs itself after the
 * REAL broker acknowledged its third batch and before that batch's checkpoint commit. The
 * checkpoint stays at the second batch; a new relay takes over from there and re-publishes the
 * third batch — duplicates with the same event ids and bodies, which a consumer drops by id.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatPosition, type LogPosition } from '../../../domain/eventStore/index.js';
import { testDatabaseUrl } from '../../../test/support/database.js';
import type { TenantFixture } from '../../../test/support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../../../test/support/testLedger.js';
import { createLogger } from '../../adapters/observability/logger.js';
import { startRelay, type RelayHandle } from './relay.js';
import { readRelayCheckpoint } from './relayDb.js';
import { dedupeById, expectedMessagesAfter, idsByKey } from '../../../test/support/kafka/expectedMessages.js';
import { createTopic, deleteCreatedTopics, startCollector, testBrokers, uniqueName, waitUntil, type Collector } from '../../../test/support/kafka/kafkaTestKit.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const brokers = testBrokers();
const KILL_AFTER_BATCH = 3;
let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;
let relay: RelayHandle | undefined;
let collector: Collector | undefined;

beforeAll(async () => {
  harness = await startTestLedger();
  tenant = await harness.tenant();
  terminal = await harness.asTerminal(tenant);
});
afterAll(async () => {
  await relay?.stop();
  await collector?.stop();
  await harness.close();
  await deleteCreatedTopics();
});

type ChildBatch = { batch: number; messages: number; checkpoint: string };

/** Runs testing/relayChild.ts until it dies; returns how it ended and the batches it reported. */
function runChildRelay(env: Record<string, string>): Promise<{ signal: NodeJS.Signals | null; batches: ChildBatch[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'support', 'kafka', 'relayChild.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child relay did not crash within 60 s: ${stderr}`));
    }, 60_000);
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      const batches = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as ChildBatch);
      resolve({ signal, batches, stderr });
    });
  });
}

it('a relay SIGKILLed between the broker ack and the checkpoint commit loses nothing; the re-sent batch repeats its ids', async () => {
  const head: LogPosition = await harness.ledger.store.headPosition();
  for (let index = 0; index < 40; index += 1) {
    const created = await terminal.post('/v1/payment_intents', { amount: 1000 + index, mode: 'manual', client_reference_id: `crash-${index}` });
    const id = created.json<{ id: string }>().id;
    expect((await terminal.post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'cash', tendered: 5000 } })).statusCode).toBe(200);
    expect((await terminal.post(`/v1/payment_intents/${id}/refunds`, { amount: 100 })).statusCode).toBe(201);
  }
  const expected = await expectedMessagesAfter(harness.ledger.store, head);
  expect(expected).toHaveLength(80);
  const topic = uniqueName('test.payments.crash');
  const name = uniqueName('test-relay-crash');
  await createTopic(brokers, topic, 3);

  const child = await runChildRelay({
    DATABASE_URL: testDatabaseUrl(),
    KAFKA_BROKERS: brokers.join(','),
    RELAY_NAME: name,
    RELAY_TOPIC: topic,
    RELAY_FROM: formatPosition(head),
    RELAY_BATCH_SIZE: '30',
    RELAY_KILL_AFTER_BATCH: String(KILL_AFTER_BATCH),
  });
  expect(child.signal, child.stderr).toBe('SIGKILL');
  expect(child.batches.map((batch) => batch.batch)).toEqual([1, 2, 3]);
  const [, second, killed] = child.batches;
  // The killed batch was acknowledged by the broker but its checkpoint never committed.
  expect(formatPosition((await readRelayCheckpoint(harness.ledger.client, name))?.position ?? head)).toBe(second?.checkpoint);

  relay = startRelay({ client: harness.ledger.client, store: harness.ledger.store, brokers, logger: createLogger('silent'), name, topic, lockPollMs: 100 });
  const resumed = relay;
  await waitUntil(async () => (await resumed.status()).backlogEvents === 0, 30_000, 'the new relay to drain the backlog');

  collector = await startCollector(brokers, topic);
  const reader = collector;
  const duplicates = killed?.messages ?? 0;
  expect(duplicates).toBeGreaterThan(0);
  await reader.waitFor((messages) => messages.length >= expected.length + duplicates, 30_000, `${expected.length} + ${duplicates} messages`);
  expect(reader.messages).toHaveLength(expected.length + duplicates);

  // Dedupe by event id: exactly the expected events, each intent in log order; every duplicate is byte-identical.
  const unique = dedupeById(reader.messages);
  expect(unique.map((message) => message.headers['event-id']).sort()).toEqual(expected.map((message) => message.event.id).sort());
  expect(idsByKey(unique.map((message) => ({ key: message.key, id: message.headers['event-id'] ?? '' })))).toEqual(
    idsByKey(expected.map((message) => ({ key: message.key, id: message.event.id }))),
  );
  const firstById = new Map(unique.map((message) => [message.headers['event-id'], message]));
  const repeated = reader.messages.filter((message) => !unique.includes(message));
  expect(repeated).toHaveLength(duplicates);
  for (const message of repeated) {
    const original = firstById.get(message.headers['event-id']);
    expect(message.body).toEqual(original?.body);
    expect(message.headers).toEqual(original?.headers);
    expect(message.key).toBe(original?.key);
  }
});
