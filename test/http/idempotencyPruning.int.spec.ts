/**
 * Expired idempotency records are pruned on a schedule (docs/idempotency.md, Retention): the whole
 * ledger's API role prunes them; records within retention and their replays are untouched.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneExpiredIdempotencyBatch, startIdempotencyPruning } from '../../infra/adapters/idempotency/idempotencyPruning.js';
import { startTestLedger, type TestLedger } from '../support/testLedger.js';

let harness: TestLedger;

afterEach(async () => {
  await harness.close();
});

async function keysLeft(keys: readonly string[]): Promise<number> {
  const rows = await harness.ledger.client.query<{ n: number }>('SELECT count(*)::int AS n FROM idempotency_keys WHERE key = ANY($1)', [keys]);
  return rows[0]?.n ?? 0;
}

/** Creates `count` intents with fresh keys; answers the keys. */
async function createIntents(count: number): Promise<string[]> {
  const terminal = await harness.asTerminal(await harness.tenant());
  const keys = Array.from({ length: count }, () => randomUUID());
  for (const key of keys) expect((await terminal.post('/v1/payment_intents', { amount: 500, mode: 'manual' }, { key })).statusCode).toBe(201);
  return keys;
}

const expire = (keys: readonly string[]) => harness.ledger.client.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = ANY($1)`, [keys]);

describe('idempotency record pruning', () => {
  it('deletes expired records in batches and nothing else', async () => {
    harness = await startTestLedger(); // its own schedule (every 600 s) stays out of the way
    const expired = await createIntents(7);
    const kept = await createIntents(2);
    await expire(expired);
    const pruning = startIdempotencyPruning({
      client: harness.ledger.client,
      intervalMs: 3_600_000,
      batchSize: 3,
      onError: (error) => {
        throw error;
      },
    });
    try {
      expect(await pruning.pruneNow()).toBe(7); // batches of 3, 3 and 1
      expect(await keysLeft(expired)).toBe(0);
      expect(await keysLeft(kept)).toBe(2);
      expect(await pruneExpiredIdempotencyBatch(harness.ledger.client, 3)).toBe(0);
    } finally {
      pruning.stop();
    }
  });

  it('runs on the schedule of the API role: an expired key goes, and then runs as new', async () => {
    harness = await startTestLedger({ LEDGER_IDEMPOTENCY_PRUNE_INTERVAL_SECONDS: '1' });
    const [key = ''] = await createIntents(1);
    await expire([key]);
    await expect.poll(() => keysLeft([key]), { timeout: 10_000, interval: 100 }).toBe(0);
    const terminal = await harness.asTerminal(await harness.tenant());
    const again = await terminal.post('/v1/payment_intents', { amount: 500, mode: 'manual' }, { key });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });
});
