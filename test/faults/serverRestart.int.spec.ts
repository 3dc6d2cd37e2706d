/**
 * Fault (issue 9 item 1c): the PostgreSQL server stops and starts again under a concurrent
 * command load over HTTP, on a cluster of the test's own (never the shared one). While it is down
 * `/ready` answers 503 and commands the retryable 503 `database_unavailable`; once it is back the
 * same ledger (not restarted) serves again, `/ready` is 200, the projections take their locks
 * again and catch up, and nothing acknowledged is lost or applied twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestLedger, type TestLedger } from '../support/testLedger.js';
import { adminQuery, expectNothingLostNorDoubled, startCashLoad, waitFor } from './faultKit.js';
import { createOwnCluster, postgresBinaries, type OwnCluster } from './ownCluster.js';

const BIN = postgresBinaries();

let cluster: OwnCluster;
let harness: TestLedger;
let tenant: TenantFixture;
let baseUrl: string;

const ready = async (): Promise<{ status: number; code: string | undefined }> => {
  const response = await harness.ledger.app.inject({ method: 'GET', url: '/ready' });
  return { status: response.statusCode, code: response.json<{ code?: string }>().code };
};

describe.skipIf(BIN === undefined)('the PostgreSQL server restarts under load', () => {
  beforeAll(async () => {
    cluster = await createOwnCluster(BIN ?? '');
    await adminQuery(cluster.url('postgres'), 'CREATE DATABASE ledger_faults');
    harness = await startTestLedger({ DATABASE_URL: cluster.url('ledger_faults') });
    tenant = await harness.tenant();
    baseUrl = await harness.ledger.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await harness.close();
    await cluster.destroy();
  });

  it('answers only retryable 503s while down, recovers by itself, and loses nothing acknowledged', async () => {
    const load = startCashLoad(baseUrl, await harness.terminalToken(tenant), 6);
    await waitFor('payments before the restart', () => Promise.resolve(load.paidCount() >= 10));
    expect(await ready()).toEqual({ status: 200, code: undefined });

    await cluster.stopServer();
    const retryableBefore = load.retryableCount();
    await waitFor('commands refused as retryable', () => Promise.resolve(load.retryableCount() >= retryableBefore + 6));
    expect(await ready()).toEqual({ status: 503, code: 'database_unavailable' });
    const paidWhileDown = load.paidCount();

    await cluster.startServer();
    await waitFor('ready again', async () => (await ready()).status === 200);
    await waitFor('payments after the restart', () => Promise.resolve(load.paidCount() >= paidWhileDown + 10));
    const report = await load.stop();

    expect(report.violations).toEqual([]);
    expect(Object.keys(report.statuses).filter((status) => !['200', '201', '409', '503'].includes(status))).toEqual([]);
    expect(report.statuses['503']).toBeGreaterThan(0);
    await expectNothingLostNorDoubled(harness, tenant, report);
  });
});
