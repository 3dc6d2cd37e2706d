/**
 * Fault (issue 9 item 1b): PostgreSQL terminates the pool's backends (busy and idle), again and again, under
 * a concurrent command load over real HTTP sockets, and the LISTEN connection once. Clients see
 * only 2xx or retryable answers (503 `database_unavailable` with Retry-After and X-Should-Retry;
 * 409 in use while a retried key's owner finishes) — no 500, no reset; the pool reconnects by
 * itself, LISTEN reopens, and every acknowledged intent is in the log and the read models once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE, TEST_SERVER_URL } from '../support/database.js';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestLedger, type TestLedger } from '../support/testLedger.js';
import { backends, expectNothingLostNorDoubled, startCashLoad, terminate, waitFor } from './faultKit.js';

const ROUNDS = 6;

let harness: TestLedger;
let tenant: TenantFixture;
let baseUrl: string;

beforeAll(async () => {
  harness = await startTestLedger();
  tenant = await harness.tenant();
  baseUrl = await harness.ledger.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await harness.close();
});

describe("the pool's busy backends are terminated under load", () => {
  it('answers only 2xx or retryable 503s, reconnects, and loses nothing acknowledged', async () => {
    const load = startCashLoad(baseUrl, await harness.terminalToken(tenant), 8);
    // Rounds until requests were caught in flight (a retryable answer seen) and at least ROUNDS done.
    let terminated = 0;
    for (let round = 0; round < ROUNDS || load.retryableCount() === 0; round += 1) {
      if (round > 100) throw new Error('no request was ever caught on a terminated backend');
      const paid = load.paidCount();
      await waitFor(`payments before round ${round}`, () => Promise.resolve(load.paidCount() >= paid + 2));
      terminated += await terminate(TEST_SERVER_URL, await backends(TEST_SERVER_URL, TEST_DATABASE, 'pool'));
    }
    const listeners = await backends(TEST_SERVER_URL, TEST_DATABASE, 'listen');
    expect(listeners).toHaveLength(1);
    expect(await terminate(TEST_SERVER_URL, listeners)).toBe(1);
    const paid = load.paidCount();
    await waitFor('payments after the last round', () => Promise.resolve(load.paidCount() >= paid + 10));
    const report = await load.stop();

    expect(terminated).toBeGreaterThanOrEqual(ROUNDS);
    expect(report.violations).toEqual([]);
    // A claim whose reply was lost with its connection is freed, not left to its 60 s lease.
    expect(report.longestRetryMs).toBeLessThan(10_000);
    expect(Object.keys(report.statuses).filter((status) => !['200', '201', '409', '503'].includes(status))).toEqual([]);
    await waitFor('the LISTEN connection reopened', async () => {
      const now = await backends(TEST_SERVER_URL, TEST_DATABASE, 'listen');
      return now.length === 1 && now[0] !== listeners[0];
    });
    await expectNothingLostNorDoubled(harness, tenant, report);
  });
});
