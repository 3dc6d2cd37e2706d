/**
 * The report routes over a real `payment_intents` read model on PostgreSQL (built by the projector
 * in a sandbox schema), on a bare fastify app with the zod compilers and a test principal — the
 * ledger's auth and problem handlers are covered by paymentIntentReportsHttp.int.spec.ts. Checks
 * tenant scoping (another tenant's intent is 404, its id a 400 cursor), every filter, and that
 * pages walk the newest-first order exactly once, ties on `created_at` included.
 */
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../http/principal.js';
import { SECURITY_SCHEMES } from '../../http/openApi.js';
import type { PaymentIntentEvent } from '../../domain/paymentIntent/index.js';
import { fold } from '../../domain/paymentIntent/index.js';
import type { IntentIds } from '../../projections/integration/testing/paymentScenarios.js';
import { commandsFor, decideAll, intentIds, ulidOf } from '../../projections/integration/testing/paymentScenarios.js';
import { paymentIntentsProjector, renderPaymentIntent } from '../../projections/paymentIntents/index.js';
import { problem } from '../../schemas/problem.js';
import { createTestClient, testDatabaseUrl } from '../../test/support/database.js';
import { createProjectionSandbox, recorded, type ProjectionSandbox } from '../../test/support/projectionSandbox.js';
import { registerPaymentIntentQueryRoutes } from './index.js';

type Report = ReturnType<typeof renderPaymentIntent> & { business_date: string };
type Page = { object: 'list'; data: Report[]; has_more: boolean };

const client = createTestClient(2);
const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
let sandbox: ProjectionSandbox;
let app: FastifyInstance;

/** Tenant 1: merchant M1 with store S1 (terminal T1) and store S2 (terminal T2). Tenant 2: its own everything. */
const t1s1 = (n: number): IntentIds => intentIds(n, 1);
const t1s2 = (n: number): IntentIds => ({ ...intentIds(n, 1), storeId: `str_${ulidOf(91, 3)}`, terminalId: `trm_${ulidOf(91, 4)}` });
const t2 = (n: number): IntentIds => intentIds(n, 2);
const base = Date.UTC(2025, 5, 1, 14, 0, 0); // 23:00 JST on 2025-06-01
const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();

/** Every intent written, by id, with its events. */
const histories = new Map<string, PaymentIntentEvent[]>();

function history(ids: IntentIds, minutes: number, kind: number): PaymentIntentEvent[] {
  const c = commandsFor(ids, at(minutes));
  switch (kind % 4) {
    case 0:
      return decideAll([c.create('manual', 1000 + minutes), c.payCash(5000)]);
    case 1:
      return decideAll([c.create('external', 2000 + minutes), c.confirm('card'), c.cardApproved(2000 + minutes)]);
    case 2:
      return decideAll([
        c.create('pgw_processed', 3000 + minutes),
        c.confirm('qr'),
        c.qrSucceeded(3000 + minutes),
        c.refund(`re_${minutes}`, 100),
        c.refundSucceeded(`re_${minutes}`),
      ]);
    default:
      return decideAll([c.create('manual', 4000 + minutes), c.cancel()]);
  }
}

const principals = {
  partner1: { kind: 'partner', clientPartnerId: t1s1(0).clientPartnerId },
  terminal1: { kind: 'terminal', clientPartnerId: t1s1(0).clientPartnerId, merchantId: t1s1(0).merchantId, storeId: t1s1(0).storeId, terminalId: t1s1(0).terminalId },
  partner2: { kind: 'partner', clientPartnerId: t2(0).clientPartnerId },
} as const satisfies Record<string, Principal>;

async function get(principal: keyof typeof principals, url: string) {
  return app.inject({ method: 'GET', url, headers: { 'x-test-principal': principal } });
}

async function page(principal: keyof typeof principals, url: string): Promise<Page> {
  const response = await get(principal, url);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Page>();
}

/** The expected newest-first order of a set of intent ids. */
function newestFirst(ids: Iterable<string>): string[] {
  const created = (id: string) => histories.get(id)![0]!.data.occurredAt;
  return [...ids].sort((a, b) => (created(a) === created(b) ? (a < b ? 1 : -1) : created(a) < created(b) ? 1 : -1));
}

const idsWhere = (predicate: (ids: string, events: PaymentIntentEvent[]) => boolean) => [...histories].filter(([id, events]) => predicate(id, events)).map(([id]) => id);

beforeAll(async () => {
  sandbox = await createProjectionSandbox(client, paymentIntentsProjector);
  const writes: [IntentIds, number, number][] = [];
  // 25 in S1 (23:00–23:24 JST, two pairs sharing a minute to test ties), 5 in S2 after midnight JST (00:02–00:06), 3 in tenant 2.
  for (let n = 0; n < 25; n += 1) writes.push([t1s1(n), n === 7 || n === 8 ? 7 : n === 15 || n === 16 ? 15 : n, n]);
  for (let n = 100; n < 105; n += 1) writes.push([t1s2(n), n - 100 + 62, n]);
  for (let n = 200; n < 203; n += 1) writes.push([t2(n), n - 200, n]);
  const log = writes.flatMap(([ids, minutes, kind]) => {
    const events = history(ids, minutes, kind);
    histories.set(ids.paymentIntentId, events);
    return recorded(`PaymentIntent-${ids.paymentIntentId}`, events);
  });
  await sandbox.apply(log);

  const db = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool }) });
  app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(fastifySwagger, {
    openapi: { openapi: '3.1.0', info: { title: 'test', version: '1' }, components: { securitySchemes: SECURITY_SCHEMES } },
    transform: jsonSchemaTransform,
  });
  // A stand-in for the ledger's problem handler (http/problemDetails.ts), which this layer may not import.
  app.setErrorHandler((error, _request, reply) => {
    if (!hasZodFastifySchemaValidationErrors(error)) throw error;
    return reply
      .code(400)
      .type('application/problem+json')
      .send(problem(400, 'validation_error', 'Bad Request', error.message));
  });
  app.addHook('onRequest', async (request) => {
    const name = request.headers['x-test-principal'];
    if (typeof name === 'string' && name in principals) request.principal = principals[name as keyof typeof principals];
  });
  registerPaymentIntentQueryRoutes(app, { readModels: { db, servingSchema: () => Promise.resolve(sandbox.schema) } });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await sandbox.drop();
  await pool.end();
  await client.close();
});

describe('GET /v1/reports/payment_intents/:id', () => {
  it('answers the representation GET /v1/payment_intents/:id would, plus the business date', async () => {
    const id = t1s1(2).paymentIntentId;
    const state = fold(histories.get(id)!);
    if (state.status === 'absent') throw new Error('absent');
    const response = await get('partner1', `/v1/reports/payment_intents/${id}`);
    expect(response.statusCode, response.body).toBe(200);
    // 23:02 JST on 2025-06-01 in a store of no known schedule (Tokyo, 00:00).
    expect(response.json()).toEqual({ ...renderPaymentIntent(state), business_date: '2025-06-01' });
    expect(response.json<Report>()).toMatchObject({ status: 'completed', mode: 'pgw_processed', amount_refunded: 100, refund_status: 'partial' });
    expect((await get('terminal1', `/v1/reports/payment_intents/${id}`)).statusCode).toBe(200);
  });

  it('is 404 payment_intent.not_found for another tenant, another store, or no such intent', async () => {
    for (const [principal, id] of [
      ['partner2', t1s1(2).paymentIntentId],
      ['partner1', t2(200).paymentIntentId],
      ['terminal1', t1s2(100).paymentIntentId],
      ['partner1', `pi_${ulidOf(999_999, 7)}`],
    ] as const) {
      const response = await get(principal, `/v1/reports/payment_intents/${id}`);
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ status: 404, code: 'payment_intent.not_found' });
    }
  });

  it('refuses a malformed id with 400', async () => {
    expect((await get('partner1', '/v1/reports/payment_intents/nope')).statusCode).toBe(400);
  });
});

describe('GET /v1/reports/payment_intents', () => {
  it('walks every intent of the partner newest first, 20 then the rest, ties broken by id, each exactly once', async () => {
    const first = await page('partner1', '/v1/reports/payment_intents');
    expect(first).toMatchObject({ object: 'list', has_more: true });
    expect(first.data).toHaveLength(20);
    const second = await page('partner1', `/v1/reports/payment_intents?starting_after=${first.data.at(-1)!.id}`);
    expect(second.has_more).toBe(false);
    const all = idsWhere((_id, events) => events[0]!.data.clientPartnerId === principals.partner1.clientPartnerId);
    expect(all).toHaveLength(30);
    expect([...first.data, ...second.data].map((item) => item.id)).toEqual(newestFirst(all));
  });

  it('pages of 3 give the same order as one page of 100', async () => {
    const whole = await page('partner1', '/v1/reports/payment_intents?limit=100');
    const walked: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 20; guard += 1) {
      const next = await page('partner1', `/v1/reports/payment_intents?limit=3${cursor === undefined ? '' : `&starting_after=${cursor}`}`);
      walked.push(...next.data.map((item) => item.id));
      cursor = next.data.at(-1)?.id;
      if (!next.has_more) break;
    }
    expect(walked).toEqual(whole.data.map((item) => item.id));
  });

  it('shows a terminal its own store only, and another partner none of these', async () => {
    const terminal = await page('terminal1', '/v1/reports/payment_intents?limit=100');
    expect(terminal.data.map((item) => item.id)).toEqual(newestFirst(idsWhere((_id, events) => events[0]!.data.storeId === t1s1(0).storeId)));
    const other = await page('partner2', '/v1/reports/payment_intents?limit=100');
    expect(other.data.map((item) => item.id)).toEqual(newestFirst([200, 201, 202].map((n) => t2(n).paymentIntentId)));
    expect((await page('terminal1', `/v1/reports/payment_intents?merchant_id=${t2(0).merchantId}`)).data).toEqual([]);
  });

  it.each([
    ['status=canceled', (events: PaymentIntentEvent[]) => events.at(-1)!.type === 'PaymentIntentCanceled'],
    ['status=canceled,completed', () => true],
    ['status=canceled&status=completed', () => true],
    ['mode=external', (events: PaymentIntentEvent[]) => events[0]!.data.mode === 'external'],
    ['provider=paypay', (events: PaymentIntentEvent[]) => events[0]!.data.provider === 'paypay'],
    [`store_id=${t1s2(0).storeId}`, (events: PaymentIntentEvent[]) => events[0]!.data.storeId === t1s2(0).storeId],
    [`terminal_id=${t1s1(0).terminalId}`, (events: PaymentIntentEvent[]) => events[0]!.data.terminalId === t1s1(0).terminalId],
    [`merchant_id=${t1s1(0).merchantId}`, () => true],
    // 23:00 JST + n minutes: minute 60 and later is 2025-06-02 in Tokyo.
    ['business_date_from=2025-06-02', (events: PaymentIntentEvent[]) => events[0]!.data.occurredAt >= at(60)],
    ['business_date_to=2025-06-01', (events: PaymentIntentEvent[]) => events[0]!.data.occurredAt < at(60)],
    ['business_date_from=2025-06-01&business_date_to=2025-06-01', (events: PaymentIntentEvent[]) => events[0]!.data.occurredAt < at(60)],
    [
      `created_from=${at(10)}&created_to=${encodeURIComponent('2025-06-01T23:20:00+09:00')}`,
      (events: PaymentIntentEvent[]) => events[0]!.data.occurredAt >= at(10) && events[0]!.data.occurredAt <= at(20),
    ],
  ])('filters by %s', async (query, keep) => {
    const expected = newestFirst(idsWhere((_id, events) => events[0]!.data.clientPartnerId === principals.partner1.clientPartnerId && keep(events)));
    const result = await page('partner1', `/v1/reports/payment_intents?limit=100&${query}`);
    expect(result.data.map((item) => item.id)).toEqual(expected);
  });

  it('puts intents after local midnight on the next business date', async () => {
    const late = await page('partner1', '/v1/reports/payment_intents?business_date_from=2025-06-02&limit=100');
    expect(late.data.map((item) => item.id)).toEqual(newestFirst([100, 101, 102, 103, 104].map((n) => t1s2(n).paymentIntentId)));
    expect(new Set(late.data.map((item) => item.business_date))).toEqual(new Set(['2025-06-02']));
    const early = await page('partner1', '/v1/reports/payment_intents?business_date_to=2025-06-01&limit=100');
    expect(new Set(early.data.map((item) => item.business_date))).toEqual(new Set(['2025-06-01']));
    expect(early.data).toHaveLength(25);
  });

  it('answers 400 invalid_cursor for a cursor of another tenant or of no intent', async () => {
    for (const cursor of [t2(200).paymentIntentId, `pi_${ulidOf(999_999, 7)}`]) {
      const response = await get('partner1', `/v1/reports/payment_intents?starting_after=${cursor}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ status: 400, code: 'invalid_cursor', param: 'starting_after' });
    }
    const otherStore = await get('terminal1', `/v1/reports/payment_intents?starting_after=${t1s2(100).paymentIntentId}`);
    expect(otherStore.json()).toMatchObject({ code: 'invalid_cursor' });
  });

  it.each([
    'limit=0',
    'limit=101',
    'limit=ten',
    'status=paid',
    'status=',
    'mode=cash',
    'provider=card',
    'business_date_from=2025-13-01',
    'business_date_from=2025-06-02&business_date_to=2025-06-01',
    'created_from=yesterday',
    'starting_after=pi_123',
    'colour=blue',
  ])('refuses %s with 400', async (query) => {
    const response = await get('partner1', `/v1/reports/payment_intents?${query}`);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ code: 'validation_error' });
  });

  it('documents both routes in the OpenAPI document', () => {
    const paths = Object.keys((app.swagger() as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(expect.arrayContaining(['/v1/reports/payment_intents', '/v1/reports/payment_intents/{payment_intent_id}']));
  });
});
