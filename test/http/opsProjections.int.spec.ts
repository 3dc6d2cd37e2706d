/**
 * The projection ops routes over HTTP on the whole ledger: status behind a staff credential or the operator secret, a
 * rebuild that switches generations while the read model keeps answering, and clear problems for
 * an unknown projection, nothing parked and malformed ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../support/testLedger.js';

const SECRET = 'test-operator-secret-0123456789abcdefghijklmnop';
let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;

type Status = { name: string; state: string; serving: { generation: number; events_behind: number } | null; rebuild: unknown; parked_events: unknown[] };

const ops = (method: 'GET' | 'POST', url: string, secret: string | null = SECRET): Promise<LightMyRequestResponse> =>
  harness.ledger.app.inject({ method, url, headers: secret === null ? {} : { 'x-operator-secret': secret } });

beforeAll(async () => {
  harness = await startTestLedger({ LEDGER_OPERATOR_SECRET: SECRET });
  tenant = await harness.tenant();
  terminal = await harness.asTerminal(tenant);
});
afterAll(async () => {
  await harness.close();
});

describe('GET /v1/ops/projections', () => {
  it('needs a staff credential or the operator secret', async () => {
    for (const [secret, code] of [
      [null, 'authentication_required'],
      ['wrong', 'invalid_operator_secret'],
    ] as const) {
      const response = await ops('GET', '/v1/ops/projections', secret);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code });
    }
  });

  it('reports every projection caught up after a payment', async () => {
    const created = await terminal.post('/v1/payment_intents', { amount: 500, mode: 'manual' });
    expect(created.statusCode).toBe(201);
    await harness.ledger.projections.caughtUp();
    const response = await ops('GET', '/v1/ops/projections');
    expect(response.statusCode).toBe(200);
    const statuses = response.json<{ data: Status[] }>().data;
    expect(statuses.map((status) => status.name).sort()).toEqual(['journal', 'payment_intents', 'provider_tasks', 'sales', 'settlement']);
    for (const status of statuses) {
      expect(status).toMatchObject({ state: 'running', rebuild: null, parked_events: [] });
      expect(status.serving?.events_behind).toBe(0);
    }
  });
});

describe('operator actions', () => {
  it('rebuilds a projection into a new generation, and the reports keep answering', async () => {
    const before = (await ops('GET', '/v1/ops/projections')).json<{ data: Status[] }>().data.find((status) => status.name === 'sales');
    const response = await ops('POST', '/v1/ops/projections/sales/rebuild');
    expect(response.statusCode, response.body).toBe(202);
    const { generation } = response.json<{ generation: number }>();
    expect(generation).toBeGreaterThan(before?.serving?.generation ?? 0);
    const today = new Date().toISOString().slice(0, 10);
    const during = await terminal.get(`/v1/reports/sales?business_date_from=${today}&business_date_to=${today}`);
    expect(during.statusCode).toBe(200);
    await harness.ledger.projections.caughtUp();
    const after = (await ops('GET', '/v1/ops/projections')).json<{ data: Status[] }>().data.find((status) => status.name === 'sales');
    expect(after).toMatchObject({ state: 'running', rebuild: null, serving: { generation } });
  });

  it('answers problems for an unknown projection, nothing parked and a malformed event id', async () => {
    expect((await ops('POST', '/v1/ops/projections/nope/rebuild')).json()).toMatchObject({ status: 404, code: 'projection.not_found' });
    expect((await ops('POST', '/v1/ops/projections/journal/parked/retry')).json()).toMatchObject({ status: 409, code: 'projection.nothing_parked' });
    const skip = await ops('POST', '/v1/ops/projections/journal/parked/00000000-0000-4000-8000-000000000000/skip');
    expect(skip.json()).toMatchObject({ status: 409, code: 'projection.not_parked' });
    const malformed = await ops('POST', '/v1/ops/projections/journal/parked/not-a-uuid/skip');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'validation_error' });
  });
});
