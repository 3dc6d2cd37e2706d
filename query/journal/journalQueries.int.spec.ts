/**
 * The ledger SELECTs on the real PostgreSQL over a journal built by the real projector (sandbox
 * schema), with Kysely on node-postgres like the routes: tenant scope (a partner sees its merchants,
 * a terminal its own store and no merchant-level accounts; another tenant's rows do not exist),
 * filters, cursor pagination, balances as of an instant, entries with their postings.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalProjector } from '../../projections/journal/index.js';
import { intentIds } from '../../projections/integration/testing/paymentScenarios.js';
import { paymentSlices, tenancySlices } from '../../projections/journal/testing/journalLog.js';
import type { LedgerAccount, LedgerEntry, ListLedgerAccountsQuery, ListLedgerEntriesQuery } from '../../schemas/journal.js';
import { createTestClient, testDatabaseUrl } from '../../test/support/database.js';
import { createProjectionSandbox, recorded, type ProjectionSandbox } from '../../test/support/projectionSandbox.js';
import type { QueryScope } from '../queryScope.js';
import type { ReadModels } from '../../schemas/readModels/readModels.js';
import { InvalidCursorError, findLedgerEntry, listLedgerAccounts, listLedgerEntries, type Page } from './journalQueries.js';

const client = createTestClient(2);
const db = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 }) }) });
let sandbox: ProjectionSandbox;
let readModels: ReadModels;

const tenant = (n: number) => intentIds(0, n);
const partnerOf = (n: number): QueryScope => ({ kind: 'client_partner', clientPartnerId: tenant(n).clientPartnerId });
const terminalOf = (n: number): QueryScope => ({ kind: 'store', clientPartnerId: tenant(n).clientPartnerId, merchantId: tenant(n).merchantId, storeId: tenant(n).storeId });
const accountsQuery = (query: Partial<ListLedgerAccountsQuery>): ListLedgerAccountsQuery => ({ limit: 100, ...query });
const entriesQuery = (query: Partial<ListLedgerEntriesQuery>): ListLedgerEntriesQuery => ({ limit: 100, ...query });

beforeAll(async () => {
  sandbox = await createProjectionSandbox(client, journalProjector);
  readModels = { db, servingSchema: () => Promise.resolve(sandbox.schema) };
  const slices = [
    ...tenancySlices(1),
    ...tenancySlices(2),
    ...paymentSlices(14, '2025-06-01T03:00:00.000Z', 1),
    ...paymentSlices(7, '2025-06-01T03:00:00.000Z', 2, 100),
    ...paymentSlices(7, '2025-06-02T03:00:00.000Z', 1, 14),
  ];
  await sandbox.apply(slices.flatMap((slice) => recorded(slice.stream, slice.events)));
});
afterAll(async () => {
  await sandbox.drop();
  await db.destroy();
  await client.close();
});

/** Every item of a list, a page of `limit` at a time. */
async function walk<Item extends { id: string }>(list: (startingAfter: string | undefined) => Promise<Page<Item>>): Promise<Item[]> {
  const items: Item[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const page = await list(startingAfter);
    items.push(...page.items);
    if (!page.hasMore) return items;
    startingAfter = page.items.at(-1)?.id;
  }
}

describe('ledger accounts', () => {
  it("a partner sees the merchant's store and merchant-level accounts, with balances on their normal side", async () => {
    const { items } = await listLedgerAccounts(readModels, partnerOf(1), accountsQuery({ merchant_id: tenant(1).merchantId }));
    const byPath = new Map(items.map((account) => [account.account.replace(/^m:mer_\w+?:(s:str_\w+?:)?/, ''), account]));
    expect([...byPath.keys()].sort()).toEqual([
      'cash:drawer',
      'fees:mdr:card',
      'fees:mdr:paypay',
      'fees_payable:card',
      'fees_payable:paypay',
      'recv:card:card',
      'recv:pgw:paypay',
      'refunds:cash',
      'refunds:pgw:paypay',
      'sales:card:card',
      'sales:cash',
      'sales:pgw:paypay',
      'tax:input_consumption',
    ]);
    const sales = byPath.get('sales:cash')!;
    expect(sales).toMatchObject({ object: 'ledger_account', code: '4100', type: 'revenue', normal_side: 'credit', store_id: tenant(1).storeId, as_of: null });
    expect(sales.posted_balance).toBe(sales.posted_credits - sales.posted_debits);
    expect(sales.posted_balance).toBeGreaterThan(0);
    const drawer = byPath.get('cash:drawer')!;
    expect(drawer.posted_balance).toBe(drawer.posted_debits - drawer.posted_credits);
    expect(byPath.get('fees:mdr:card')).toMatchObject({ store_id: null, code: '5100', normal_side: 'debit' });
    const rows = await sandbox.query<{ n: number }>('SELECT count(*)::int AS n FROM journal_accounts WHERE merchant_id = $1', [tenant(1).merchantId]);
    expect(items).toHaveLength(rows[0]!.n);
  });

  it("a terminal sees its own store's accounts only; another tenant's merchant has none", async () => {
    const { items } = await listLedgerAccounts(readModels, terminalOf(1), accountsQuery({}));
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((account) => account.store_id))).toEqual(new Set([tenant(1).storeId]));
    expect((await listLedgerAccounts(readModels, terminalOf(1), accountsQuery({ merchant_id: tenant(2).merchantId }))).items).toEqual([]);
    expect((await listLedgerAccounts(readModels, partnerOf(1), accountsQuery({ merchant_id: tenant(2).merchantId }))).items).toEqual([]);
    expect((await listLedgerAccounts(readModels, partnerOf(2), accountsQuery({ merchant_id: tenant(2).merchantId }))).items.length).toBeGreaterThan(0);
  });

  it('filters by chart code and store, and pages by account id without gaps or repeats', async () => {
    const merchant = tenant(1).merchantId;
    const receivables = await listLedgerAccounts(readModels, partnerOf(1), accountsQuery({ merchant_id: merchant, code: '1200' }));
    expect(receivables.items.map((account) => account.account)).toEqual([`m:${merchant}:s:${tenant(1).storeId}:recv:pgw:paypay`]);
    const storeOnly = await listLedgerAccounts(readModels, partnerOf(1), accountsQuery({ merchant_id: merchant, store_id: tenant(1).storeId }));
    expect(storeOnly.items.every((account) => account.store_id === tenant(1).storeId)).toBe(true);
    const all = (await listLedgerAccounts(readModels, partnerOf(1), accountsQuery({ merchant_id: merchant }))).items;
    const walked = await walk((startingAfter) =>
      listLedgerAccounts(readModels, partnerOf(1), accountsQuery({ merchant_id: merchant, limit: 4, ...(startingAfter === undefined ? {} : { starting_after: startingAfter }) })),
    );
    expect(walked.map((account) => account.id)).toEqual(all.map((account) => account.id));
    const foreign = (await listLedgerAccounts(readModels, partnerOf(2), accountsQuery({ merchant_id: tenant(2).merchantId }))).items[0]!.id;
    await expect(listLedgerAccounts(readModels, partnerOf(1), accountsQuery({ merchant_id: merchant, starting_after: foreign }))).rejects.toThrow(InvalidCursorError);
  });

  it('as of an instant: the postings that occurred by then; accounts with none are left out', async () => {
    const merchant = tenant(1).merchantId;
    const query = (asOf: string) => listLedgerAccounts(readModels, partnerOf(1), accountsQuery({ merchant_id: merchant, as_of: asOf }));
    expect((await query('2025-05-31T00:00:00Z')).items).toEqual([]);
    const firstDay = (await query('2025-06-01T12:00:00+09:00')).items;
    const now = (await listLedgerAccounts(readModels, partnerOf(1), accountsQuery({ merchant_id: merchant }))).items;
    const drawer = (items: readonly LedgerAccount[]) => items.find((account) => account.account.endsWith(':cash:drawer'))!;
    expect(drawer(firstDay).as_of).toBe('2025-06-01T03:00:00.000Z');
    const [expected] = await sandbox.query<{ posted: string }>(
      `SELECT (sum(amount) FILTER (WHERE direction = 'debit' AND effect = 'posted') - coalesce(sum(amount) FILTER (WHERE direction = 'credit' AND effect = 'posted'), 0))::text AS posted
         FROM journal_postings WHERE account = $1 AND occurred_at <= '2025-06-01T03:00:00Z'`,
      [drawer(now).account],
    );
    expect(drawer(firstDay).posted_balance).toBe(Number(expected!.posted));
    expect(drawer(firstDay).posted_balance).toBeLessThan(drawer(now).posted_balance);
    const later = (await query('2030-01-01T00:00:00Z')).items;
    expect(later.map((account) => ({ ...account, as_of: null }))).toEqual(now);
  });
});

describe('ledger entries', () => {
  it("lists the caller's entries newest first with balanced postings, a page at a time", async () => {
    const all = await walk((startingAfter) =>
      listLedgerEntries(readModels, partnerOf(1), entriesQuery({ limit: 7, ...(startingAfter === undefined ? {} : { starting_after: startingAfter }) })),
    );
    const [count] = await sandbox.query<{ n: number }>('SELECT count(*)::int AS n FROM journal_entries WHERE client_partner_id = $1', [tenant(1).clientPartnerId]);
    expect(all).toHaveLength(count!.n);
    expect(new Set(all.map((entry) => entry.id)).size).toBe(all.length);
    const positions = all.map((entry) => entry.log_position.split(':').map(BigInt));
    for (let index = 1; index < positions.length; index += 1) {
      const [commit, prepare] = positions[index]!;
      const [previousCommit, previousPrepare] = positions[index - 1]!;
      expect(commit! < previousCommit! || (commit === previousCommit && prepare! <= previousPrepare!)).toBe(true);
    }
    for (const entry of all) {
      const net = entry.postings.reduce((sum, posting) => sum + (posting.direction === 'debit' ? posting.amount : -posting.amount), 0);
      expect(net).toBe(0);
      expect(entry.postings.length).toBeGreaterThanOrEqual(2);
    }
    expect(all.every((entry) => entry.merchant_id === tenant(1).merchantId)).toBe(true);
  });

  it("filters by intent and code; a terminal sees its store; another tenant's entry does not exist", async () => {
    const paymentIntentId = intentIds(6, 1).paymentIntentId;
    const intentEntries = (await listLedgerEntries(readModels, terminalOf(1), entriesQuery({ payment_intent_id: paymentIntentId }))).items;
    expect(intentEntries.map((entry) => `${entry.code_name}/${entry.kind}`).reverse()).toEqual([
      'auth_hold/pending',
      'capture_post/post_pending',
      'fee_accrual/posted',
      'refund/pending',
      'refund/post_pending',
    ]);
    const fees = (await listLedgerEntries(readModels, partnerOf(1), entriesQuery({ code: 3001 }))).items;
    expect(fees.length).toBeGreaterThan(0);
    expect(fees.every((entry) => entry.code === 3001)).toBe(true);
    const one: LedgerEntry = intentEntries[0]!;
    expect(await findLedgerEntry(readModels, partnerOf(1), one.id)).toEqual(one);
    expect(await findLedgerEntry(readModels, partnerOf(2), one.id)).toBeUndefined();
    expect(await findLedgerEntry(readModels, terminalOf(2), one.id)).toBeUndefined();
    expect((await listLedgerEntries(readModels, partnerOf(2), entriesQuery({ payment_intent_id: paymentIntentId }))).items).toEqual([]);
    await expect(listLedgerEntries(readModels, partnerOf(2), entriesQuery({ starting_after: one.id }))).rejects.toThrow(InvalidCursorError);
  });
});
