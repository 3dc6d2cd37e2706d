/**
 * Staff credentials over real HTTP on the whole ledger (real PostgreSQL): the operator (bootstrap
 * secret, then an operator credential) creates, lists and revokes credentials; each use is logged
 * and stamps last_used_at; a revoked credential is refused at once (401); a wrong role gets 403; a
 * merchant reader sees only its merchant's reports; and every write operation of the OpenAPI
 * document is refused to auditor, ops and merchant_reader credentials, with nothing written.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/adapters/observability/logger.js';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestLedger, type TestLedger } from '../support/testLedger.js';

const OPERATOR_SECRET = 'staff-test-operator-secret-0123456789abcdef';
const logLines: Record<string, unknown>[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let harness: TestLedger;
let baseUrl: string;
let tenantA: TenantFixture;
let tenantB: TenantFixture;
const intentOf: Record<'a' | 'b', string> = { a: '', b: '' };

type Reply = Readonly<{ status: number; body: Record<string, unknown> }>;
type Credential = Readonly<{ id: string; credential: string; role: string; last_used_at: string | null; revoked_at: string | null }>;

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`${baseUrl}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

const asOperatorSecret = { 'x-operator-secret': OPERATOR_SECRET };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function createCredential(headers: Record<string, string>, body: Record<string, unknown>): Promise<Credential> {
  const created = await call('POST', '/v1/operator/credentials', headers, body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as unknown as Credential;
}

beforeAll(async () => {
  harness = await startTestLedger({ LEDGER_OPERATOR_SECRET: OPERATOR_SECRET }, createLogger('info', logSink));
  baseUrl = await harness.ledger.app.listen({ host: '127.0.0.1', port: 0 });
  tenantA = await harness.tenant();
  // B is another merchant of the same client partner: only the merchant scope keeps them apart.
  tenantB = await harness.tenant([], tenantA);
  for (const [key, tenant] of [
    ['a', tenantA],
    ['b', tenantB],
  ] as const) {
    const terminal = await harness.asTerminal(tenant);
    const created = await terminal.post('/v1/payment_intents', { amount: key === 'a' ? 1200 : 3400, mode: 'manual' });
    expect(created.statusCode, created.body).toBe(201);
    intentOf[key] = created.json<{ id: string }>().id;
    const confirmed = await terminal.post(`/v1/payment_intents/${intentOf[key]}/confirm`, { payment_method: { type: 'cash', tendered: 5000 } });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
  }
  await harness.ledger.projections.caughtUp();
});
afterAll(async () => {
  await harness.close();
});

describe('operator management of staff credentials', () => {
  it('creates, lists and revokes; each use is logged and stamps last_used_at; a revoked credential is refused at once', async () => {
    const auditor = await createCredential(asOperatorSecret, { name: 'Alice Sato (external audit)', role: 'auditor' });
    expect(auditor.credential).toMatch(/^stf_[0-9A-Z]{26}\.[A-Za-z0-9_-]{43}$/);
    expect(auditor.credential.startsWith(`${auditor.id}.`)).toBe(true);
    expect(auditor).toMatchObject({ role: 'auditor', created_by: 'staff:operator_secret', revoked_at: null, last_used_at: null });

    const used = await call('GET', '/v1/ops/projections', bearer(auditor.credential));
    expect(used.status).toBe(200);
    const line = logLines.find((entry) => entry.msg === 'staff credential used' && entry.staff_credential_id === auditor.id);
    expect(line).toMatchObject({ staff_name: 'Alice Sato (external audit)', staff_role: 'auditor', method: 'GET', route: '/v1/ops/projections' });

    const listed = await call('GET', '/v1/operator/credentials', asOperatorSecret);
    expect(listed.status).toBe(200);
    const entry = (listed.body.data as Credential[]).find((credential) => credential.id === auditor.id);
    expect(entry?.last_used_at).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(auditor.credential.split('.')[1]);

    const revoked = await call('POST', `/v1/operator/credentials/${auditor.id}/revoke`, asOperatorSecret);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: auditor.id, revoked_by: 'staff:operator_secret' });
    const refused = await call('GET', '/v1/ops/projections', bearer(auditor.credential));
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'credential_revoked' });
  });

  it('an operator credential acts as the operator; without credentials 401, with a wrong secret 401, unknown id 404', async () => {
    const operator = await createCredential(asOperatorSecret, { name: 'Bob (on call)', role: 'operator' });
    const ops = await createCredential(bearer(operator.credential), { name: 'grafana', role: 'ops' });
    expect(ops).toMatchObject({ role: 'ops', created_by: `staff:${operator.id}` });
    const partner = await call('POST', '/v1/operator/client_partners', bearer(operator.credential), { name: 'Staff-made partner' });
    expect(partner.status).toBe(201);

    expect(await call('GET', '/v1/operator/credentials', {})).toMatchObject({ status: 401, body: { code: 'authentication_required' } });
    const forged = `${operator.id}.${'A'.repeat(43)}`;
    expect(await call('GET', '/v1/operator/credentials', bearer(forged))).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
    expect(await call('GET', '/v1/operator/credentials', bearer('stf_nonsense'))).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
    const unknown = await call('POST', '/v1/operator/credentials/stf_01JD3W8Q4ZK6T9X2M5N7P1R3S8/revoke', asOperatorSecret);
    expect(unknown).toMatchObject({ status: 404, body: { code: 'staff_credential.not_found' } });
  });

  it('refuses a wrong role with 403', async () => {
    const ops = await createCredential(asOperatorSecret, { name: 'prometheus', role: 'ops' });
    const auditor = await createCredential(asOperatorSecret, { name: 'Carol', role: 'auditor' });
    const reader = await createCredential(asOperatorSecret, { name: 'Ramen Ichiban back office', role: 'merchant_reader', merchant_id: tenantA.merchantId });
    expect(await call('GET', '/v1/operator/credentials', bearer(auditor.credential))).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await call('GET', '/v1/ops/projections', bearer(reader.credential))).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await call('GET', '/v1/reports/payment_intents', bearer(ops.credential))).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await call('GET', '/v1/ops/projections', bearer(ops.credential))).toMatchObject({ status: 200 });
  });

  it('validates what it creates: merchant_id only and always for merchant_reader, of a merchant that exists', async () => {
    const cases: readonly [Record<string, unknown>, number, string][] = [
      [{ name: 'x', role: 'merchant_reader' }, 400, 'validation_error'],
      [{ name: 'x', role: 'auditor', merchant_id: tenantA.merchantId }, 400, 'validation_error'],
      [{ name: 'x', role: 'merchant_reader', merchant_id: 'mer_01JD3W8Q4ZK6T9X2M5N7P1R3S8' }, 404, 'merchant.not_found'],
      [{ name: 'x', role: 'root' }, 400, 'validation_error'],
    ];
    for (const [body, status, code] of cases) expect(await call('POST', '/v1/operator/credentials', asOperatorSecret, body)).toMatchObject({ status, body: { code } });
  });
});

describe('merchant_reader scope', () => {
  it("sees its own merchant's reports only", async () => {
    const reader = await createCredential(asOperatorSecret, { name: 'Ramen Ichiban back office', role: 'merchant_reader', merchant_id: tenantA.merchantId });
    const headers = bearer(reader.credential);
    const list = await call('GET', '/v1/reports/payment_intents', headers);
    expect(list.status).toBe(200);
    expect((list.body.data as { id: string }[]).map((intent) => intent.id)).toEqual([intentOf.a]);
    expect((await call('GET', `/v1/reports/payment_intents/${intentOf.a}`, headers)).status).toBe(200);
    expect((await call('GET', `/v1/reports/payment_intents/${intentOf.b}`, headers)).status).toBe(404);
    const narrowedToOther = await call('GET', `/v1/reports/payment_intents?merchant_id=${tenantB.merchantId}`, headers);
    expect(narrowedToOther.body.data).toEqual([]);
    const entries = await call('GET', '/v1/ledger/entries', headers);
    expect(entries.status).toBe(200);
    const merchantsOfEntries = new Set((entries.body.data as { merchant_id: string }[]).map((entry) => entry.merchant_id));
    expect([...merchantsOfEntries]).toEqual([tenantA.merchantId]);
    const dates = `business_date_from=${new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10)}&business_date_to=${new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)}`;
    const ownSales = await call('GET', `/v1/reports/sales?${dates}`, headers);
    expect(ownSales.status, JSON.stringify(ownSales.body)).toBe(200);
    expect((ownSales.body.data as { merchant_id: string; gross: number }[]).map((row) => [row.merchant_id, row.gross])).toEqual([[tenantA.merchantId, 1200]]);
    const otherSales = await call('GET', `/v1/reports/sales?merchant_id=${tenantB.merchantId}&${dates}`, headers);
    expect(otherSales).toMatchObject({ status: 200, body: { data: [] } });
    const otherSettlement = await call('GET', `/v1/settlement?merchant_id=${tenantB.merchantId}`, headers);
    expect(otherSettlement).toMatchObject({ status: 200, body: { data: [] } });
  });
});

describe('read-only roles never write', () => {
  it('refuses every non-GET operation of the OpenAPI document to auditor, ops and merchant_reader, and writes nothing', async () => {
    const document = await call('GET', '/openapi.json', {});
    const paths = document.body.paths as Record<string, Record<string, unknown>>;
    const writes = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => !['get', 'head', 'options', 'parameters'].includes(method))
        .map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'x') })),
    );
    expect(writes.length).toBeGreaterThan(15);
    const readers = await Promise.all([
      createCredential(asOperatorSecret, { name: 'ro-auditor', role: 'auditor' }),
      createCredential(asOperatorSecret, { name: 'ro-ops', role: 'ops' }),
      createCredential(asOperatorSecret, { name: 'ro-reader', role: 'merchant_reader', merchant_id: tenantA.merchantId }),
    ]);
    const eventsBefore = await harness.eventCount();
    const credentialsBefore = (await call('GET', '/v1/operator/credentials', asOperatorSecret)).body.data as unknown[];
    for (const reader of readers) {
      for (const { method, path } of writes) {
        const refused = await call(method, path, { ...bearer(reader.credential), 'idempotency-key': crypto.randomUUID() }, {});
        expect([401, 403], `${reader.role} ${method} ${path}: ${refused.status}`).toContain(refused.status);
        expect(refused.body).toMatchObject({ code: 'read_only_role' });
      }
    }
    expect(await harness.eventCount()).toBe(eventsBefore);
    expect(((await call('GET', '/v1/operator/credentials', asOperatorSecret)).body.data as unknown[]).length).toBe(credentialsBefore.length);
  });
});
