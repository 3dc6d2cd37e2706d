/**
 * The ledger routes over HTTP on the whole ledger (createLedger with its projection runtime):
 * payments made through the API appear in the books once the projections have caught up — cash
 * with a refund, a card sale with its fee accrual (the tenant's card fee: 1.98 %) — scoped per
 * tenant (another tenant's merchant: an empty list; its entry: 404), with bad queries answered
 * by 400 problem details.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantFixture } from '../../test/support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../../test/support/testLedger.js';

type AccountList = {
  object: 'list';
  data: { account: string; store_id: string | null; posted_balance: number; pending_balance: number; as_of: string | null }[];
  has_more: boolean;
};
type Entry = { id: string; code: number; kind: string; payment_intent_id: string; postings: { account: string; direction: string; amount: number; effect: string }[] };

let harness: TestLedger;
let tenant: TenantFixture;
let other: TenantFixture;
let terminal: HttpCaller;
let partner: HttpCaller;
let otherTerminal: HttpCaller;
let cashIntentId: string;
let startedAt: string;

async function ok<T>(caller: HttpCaller, url: string, body: unknown, status = 200): Promise<T> {
  const response = await caller.post(url, body);
  expect(response.statusCode, response.body).toBe(status);
  return response.json<T>();
}

async function payCash(caller: HttpCaller, amount: number, tendered: number): Promise<string> {
  const { id } = await ok<{ id: string }>(caller, '/v1/payment_intents', { amount, mode: 'manual' }, 201);
  await ok(caller, `/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'cash', tendered } });
  return id;
}

async function get<T>(caller: HttpCaller, url: string, status = 200): Promise<T> {
  const response = await caller.get(url);
  expect(response.statusCode, response.body).toBe(status);
  return response.json<T>();
}

beforeAll(async () => {
  harness = await startTestLedger();
  tenant = await harness.tenant(['card']);
  other = await harness.tenant();
  terminal = await harness.asTerminal(tenant);
  partner = harness.asPartner(tenant);
  otherTerminal = await harness.asTerminal(other);
  startedAt = new Date(Date.now() - 1000).toISOString();
  cashIntentId = await payCash(terminal, 1100, 2000);
  await ok(terminal, `/v1/payment_intents/${cashIntentId}/refunds`, { amount: 300 }, 201);
  const card = await ok<{ id: string }>(terminal, '/v1/payment_intents', { amount: 10_000, mode: 'external' }, 201);
  const launched = await ok<{ next_action: { attempt_id: string } }>(terminal, `/v1/payment_intents/${card.id}/confirm`, { payment_method: { type: 'card' } });
  await ok(terminal, `/v1/payment_intents/${card.id}/card_result`, {
    attempt_id: launched.next_action.attempt_id,
    outcome: 'approved',
    amount: 10_000,
    approval_number: 'A1',
    masked_pan: '424242******4242',
    brand: 'visa',
  });
  await payCash(otherTerminal, 500, 500);
  await harness.ledger.projections.caughtUp(30_000);
});
afterAll(async () => {
  await harness.close();
});

const suffix = (account: string) => account.replace(/^m:mer_\w+?:(s:str_\w+?:)?/, '');
const balances = (list: AccountList) => Object.fromEntries(list.data.map((account) => [suffix(account.account), account.posted_balance]));

describe('GET /v1/ledger/accounts', () => {
  it("shows a partner the merchant's books: cash net of the refund, the card sale and its fee (1.98 % → 198 + tax 20)", async () => {
    const list = await get<AccountList>(partner, `/v1/ledger/accounts?merchant_id=${tenant.merchantId}`);
    expect(balances(list)).toEqual({
      'cash:drawer': 800,
      'fees:mdr:card': 198,
      'fees_payable:card': 218,
      'recv:card:card': 10_000,
      'refunds:cash': 300,
      'sales:card:card': 10_000,
      'sales:cash': 1_100,
      'tax:input_consumption': 20,
    });
    expect(list.data.every((account) => account.pending_balance === 0)).toBe(true);
  });

  it("shows a terminal its store's accounts only, and nothing of another merchant", async () => {
    const own = await get<AccountList>(terminal, '/v1/ledger/accounts');
    expect(own.data.map((account) => suffix(account.account)).sort()).toEqual(['cash:drawer', 'recv:card:card', 'refunds:cash', 'sales:card:card', 'sales:cash']);
    expect(new Set(own.data.map((account) => account.store_id))).toEqual(new Set([tenant.storeId]));
    expect((await get<AccountList>(partner, `/v1/ledger/accounts?merchant_id=${other.merchantId}`)).data).toEqual([]);
    expect(balances(await get<AccountList>(otherTerminal, '/v1/ledger/accounts'))).toEqual({ 'cash:drawer': 500, 'sales:cash': 500 });
  });

  it('as of an instant before the payments: no accounts yet; as of now: the same balances, stamped', async () => {
    expect((await get<AccountList>(partner, `/v1/ledger/accounts?merchant_id=${tenant.merchantId}&as_of=${encodeURIComponent(startedAt)}`)).data).toEqual([]);
    const now = new Date(Date.now() + 60_000).toISOString();
    const list = await get<AccountList>(partner, `/v1/ledger/accounts?merchant_id=${tenant.merchantId}&as_of=${encodeURIComponent(now)}&code=4100`);
    expect(balances(list)).toEqual({ 'sales:card:card': 10_000, 'sales:cash': 1_100 });
    expect(list.data[0]?.as_of).toBe(now);
  });

  it('answers 400 problems: a partner without merchant_id, a bad limit, an unknown cursor', async () => {
    const missing = await partner.get('/v1/ledger/accounts');
    expect(missing.statusCode).toBe(400);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json()).toMatchObject({ code: 'merchant_id_required', param: 'merchant_id' });
    expect((await partner.get(`/v1/ledger/accounts?merchant_id=${tenant.merchantId}&limit=0`)).json()).toMatchObject({ status: 400, code: 'validation_error' });
    expect((await terminal.get('/v1/ledger/accounts?as_of=yesterday')).json()).toMatchObject({ status: 400, code: 'validation_error' });
    const foreign = await get<AccountList>(otherTerminal, '/v1/ledger/accounts');
    const cursor = encodeURIComponent(`${foreign.data[0]!.account}@JPY`);
    expect((await terminal.get(`/v1/ledger/accounts?starting_after=${cursor}`)).json()).toMatchObject({ status: 400, code: 'invalid_cursor' });
  });
});

describe('GET /v1/ledger/entries', () => {
  it("lists an intent's entries newest first with their postings, and pages", async () => {
    const list = await get<{ data: Entry[]; has_more: boolean }>(partner, `/v1/ledger/entries?payment_intent_id=${cashIntentId}`);
    expect(list.data.map((entry) => `${entry.code}/${entry.kind}`)).toEqual(['2001/post_pending', '2001/pending', '1001/posted']);
    expect(list.data[2]!.postings.map((posting) => `${posting.direction} ${suffix(posting.account)} ${posting.amount}`)).toEqual([
      'debit cash:drawer 1100',
      'credit sales:cash 1100',
    ]);
    const first = await get<{ data: Entry[]; has_more: boolean }>(terminal, '/v1/ledger/entries?limit=2');
    expect(first.has_more).toBe(true);
    const next = await get<{ data: Entry[] }>(terminal, `/v1/ledger/entries?limit=2&starting_after=${first.data[1]!.id}`);
    expect(next.data.map((entry) => entry.id)).not.toContain(first.data[0]!.id);
    expect((await get<{ data: Entry[] }>(partner, '/v1/ledger/entries?code=3001')).data.map((entry) => entry.postings.map((posting) => posting.amount))).toEqual([[198, 20, 218]]);
  });

  it('retrieves an entry for its tenant and answers 404 to another; bad ids and codes are 400', async () => {
    const [entry] = (await get<{ data: Entry[] }>(terminal, `/v1/ledger/entries?payment_intent_id=${cashIntentId}`)).data;
    expect(await get<Entry>(terminal, `/v1/ledger/entries/${entry!.id}`)).toEqual(entry);
    const foreign = await otherTerminal.get(`/v1/ledger/entries/${entry!.id}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'ledger_entry.not_found' });
    expect((await get<{ data: Entry[] }>(otherTerminal, `/v1/ledger/entries?payment_intent_id=${cashIntentId}`)).data).toEqual([]);
    expect((await terminal.get('/v1/ledger/entries/not-a-uuid')).json()).toMatchObject({ status: 400, code: 'validation_error' });
    expect((await terminal.get('/v1/ledger/entries?code=1234')).json()).toMatchObject({ status: 400, code: 'validation_error' });
    expect((await otherTerminal.get(`/v1/ledger/entries?starting_after=${entry!.id}`)).json()).toMatchObject({ status: 400, code: 'invalid_cursor' });
  });
});
