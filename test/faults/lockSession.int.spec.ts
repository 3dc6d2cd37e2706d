/**
 * Fault (issue 9 item 1a): PostgreSQL terminates the session holding the singleton locks (the
 * projections' shared lock session and the relay's) while two ledgers share the database. The
 * process survives; the roles that lost their lock stop at once (never two active instances of one
 * projection), the locks are taken again, and the read models resume from their checkpoints and
 * catch up with nothing lost and nothing applied twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE, TEST_SERVER_URL } from '../support/database.js';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestLedger, type TestLedger } from '../support/testLedger.js';
import { advisoryLocks, expectNothingLostNorDoubled, projectionsCaughtUp, startCashLoad, terminate, waitFor } from './faultKit.js';

const KAFKA = { KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' };
const ACTIVE = new Set(['catching_up', 'running', 'rebuilding', 'stalled', 'parked', 'failed']);
/** Relay states inside its lock (both relays are past their first start here, so `starting` means the lock is held). */
const RELAY_HOLDING = new Set(['starting', 'running', 'waiting_for_broker']);

let first: TestLedger;
let second: TestLedger;
let tenant: TenantFixture;
let baseUrl: string;

/** Projection names active in a ledger (it holds their lock and runs their workers). */
async function activeIn(harness: TestLedger): Promise<Set<string>> {
  return new Set((await harness.ledger.projections.status()).filter((status) => ACTIVE.has(status.state)).map((status) => status.name));
}

beforeAll(async () => {
  first = await startTestLedger(KAFKA);
  tenant = await first.tenant();
  await projectionsCaughtUp(first);
  second = await startTestLedger(KAFKA);
  baseUrl = await first.ledger.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await second.close();
  await first.close();
});

describe('the lock session is terminated', () => {
  it('survives, hands each projection to exactly one instance, resumes from the checkpoints and catches up', async () => {
    const token = await first.terminalToken(tenant);
    const before = startCashLoad(baseUrl, token, 2);
    await waitFor('some payments', () => Promise.resolve(before.paidCount() >= 5));
    const beforeReport = await before.stop();
    await projectionsCaughtUp(first);
    // Idle now: nothing but the lost session can tell the active instance that its lock is gone.
    const locks = await advisoryLocks(TEST_SERVER_URL, TEST_DATABASE);
    const holders = [...new Set(locks.map((lock) => lock.pid))];
    // Every projection's and the relay's (and any other session lock a role of the ledger holds).
    expect(locks.length).toBeGreaterThanOrEqual(first.ledger.projections.names.length + 1);
    expect(holders.length).toBeGreaterThanOrEqual(2); // the projections' shared session and the relay's
    expect(await activeIn(first)).toEqual(new Set(first.ledger.projections.names));
    expect(await terminate(TEST_SERVER_URL, holders)).toBe(holders.length);

    // Every lock is taken again, by new sessions (of either ledger: the second polls every second).
    await waitFor('every lock taken again', async () => {
      const now = await advisoryLocks(TEST_SERVER_URL, TEST_DATABASE);
      return now.length === locks.length && now.every((lock) => !holders.includes(lock.pid));
    });
    // Each projection and the relay run in exactly one of them: the instance that lost its lock stopped.
    await waitFor('every projection active in exactly one instance', async () => {
      const [inFirst, inSecond, relays] = await Promise.all([activeIn(first), activeIn(second), Promise.all([first.ledger.relay.status(), second.ledger.relay.status()])]);
      expect(
        [...inFirst].filter((name) => inSecond.has(name)),
        'projections active in two instances',
      ).toEqual([]);
      const relaysHolding = relays.filter((relay) => RELAY_HOLDING.has(relay.state)).length;
      expect(relaysHolding, 'relays holding the lock at once').toBeLessThanOrEqual(1);
      return inFirst.size + inSecond.size === first.ledger.projections.names.length && relaysHolding === 1;
    });

    const after = startCashLoad(baseUrl, token, 2);
    await waitFor('payments after the fault', () => Promise.resolve(after.paidCount() >= 5));
    const afterReport = await after.stop();
    expect([...beforeReport.violations, ...afterReport.violations]).toEqual([]);
    await expectNothingLostNorDoubled(first, tenant, {
      created: [...beforeReport.created, ...afterReport.created],
      paid: [...beforeReport.paid, ...afterReport.paid],
      statuses: {},
      longestRetryMs: 0,
      violations: [],
    });
    await waitFor('one relay running with no backlog', async () => {
      const relays = await Promise.all([first.ledger.relay.status(), second.ledger.relay.status()]);
      return relays.filter((relay) => relay.state === 'running').length === 1 && relays.every((relay) => relay.backlogEvents === 0);
    });
  });
});
