/**
 * The read side's proofs (issue 4, point 4) on the real PostgreSQL with every projector running
 * in the ledger: after a random concurrent workload over HTTP through every mode,
 * - every journal entry balances (per currency, for posted and pending legs alike);
 * - the sales and refunds accounts, the receivables and the drawer match the intents' received and
 *   refunded amounts folded from their streams (the system of record), intent by intent and in total;
 * - the payment intents, sales and settlement read models agree with the same streams;
 * - rebuilding every projection from the log yields tables identical, row by row, to the live ones.
 * The seed is printed on failure; set PROOF_SEED to replay a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../support/testLedger.js';
import { runRandomWorkload } from './randomWorkload.js';

const SEED = Number(process.env.PROOF_SEED ?? Date.now() % 1_000_000);
const INTENTS = 96;

type Intent = { id: string; status: string; mode: string; amount_received: number; amount_refunded: number };

let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;
let partner: HttpCaller;
let intents: Intent[];

const schemaOf = (projection: string): Promise<string> => harness.ledger.projections.readModels.servingSchema(projection);
const sql = <Row extends Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<Row[]> => harness.ledger.client.query<Row>(text, params);

async function allIntentIds(): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await partner.get(`/v1/reports/payment_intents?merchant_id=${tenant.merchantId}&limit=100${after === undefined ? '' : `&starting_after=${after}`}`);
    expect(page.statusCode, page.body).toBe(200);
    const body = page.json<{ data: { id: string }[]; has_more: boolean }>();
    ids.push(...body.data.map((item) => item.id));
    if (!body.has_more) return ids;
    after = body.data.at(-1)?.id;
  }
}

beforeAll(async () => {
  harness = await startTestLedger();
  tenant = await harness.tenant(['paypay', 'card']);
  terminal = await harness.asTerminal(tenant);
  partner = harness.asPartner(tenant);
  await runRandomWorkload(terminal, partner, SEED, INTENTS, 8);
  await harness.ledger.projections.caughtUp(60_000);
  const ids = await allIntentIds();
  intents = await Promise.all(
    ids.map(async (id) => {
      const response = await terminal.get(`/v1/payment_intents/${id}`);
      expect(response.statusCode).toBe(200);
      return response.json<Intent>();
    }),
  );
}, 180_000);

afterAll(async () => {
  await harness.close();
});

describe(`read-model proofs (PROOF_SEED=${SEED})`, () => {
  it('lists every intent the workload created, once', () => {
    expect(intents).toHaveLength(INTENTS);
    expect(new Set(intents.map((intent) => intent.id)).size).toBe(INTENTS);
  });

  it('every journal entry balances, per currency and per effect (posted, pending, released)', async () => {
    const journal = await schemaOf('journal');
    const unbalanced = await sql(
      `SELECT entry_id, currency, effect, sum(CASE direction WHEN 'debit' THEN amount ELSE -amount END)::text AS imbalance
         FROM ${journal}.journal_postings GROUP BY entry_id, currency, effect
       HAVING sum(CASE direction WHEN 'debit' THEN amount ELSE -amount END) <> 0`,
    );
    expect(unbalanced).toEqual([]);
    const [count] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${journal}.journal_entries WHERE merchant_id = $1`, [tenant.merchantId]);
    expect(count?.n).toBeGreaterThan(INTENTS);
  });

  it('sales − refunds, and receivables + drawer, equal received − refunded for every intent and in total', async () => {
    const journal = await schemaOf('journal');
    const rows = await sql<{ payment_intent_id: string; sales: string; refunds: string; holdings: string }>(
      `SELECT e.payment_intent_id,
              sum(CASE WHEN p.effect = 'posted' AND p.account LIKE '%:sales:%' THEN (CASE p.direction WHEN 'credit' THEN p.amount ELSE -p.amount END) ELSE 0 END)::text AS sales,
              sum(CASE WHEN p.effect = 'posted' AND p.account LIKE '%:refunds:%' THEN (CASE p.direction WHEN 'debit' THEN p.amount ELSE -p.amount END) ELSE 0 END)::text AS refunds,
              sum(CASE WHEN p.effect = 'posted' AND (p.account LIKE '%:recv:%' OR p.account LIKE '%:cash:drawer') THEN (CASE p.direction WHEN 'debit' THEN p.amount ELSE -p.amount END) ELSE 0 END)::text AS holdings
         FROM ${journal}.journal_entries e JOIN ${journal}.journal_postings p USING (entry_id)
        WHERE e.merchant_id = $1 GROUP BY e.payment_intent_id`,
      [tenant.merchantId],
    );
    const byIntent = new Map(rows.map((row) => [row.payment_intent_id, row]));
    for (const intent of intents) {
      const row = byIntent.get(intent.id);
      const expected = { received: intent.amount_received, refunded: intent.amount_refunded };
      expect({ id: intent.id, sales: Number(row?.sales ?? 0), refunds: Number(row?.refunds ?? 0), holdings: Number(row?.holdings ?? 0) }).toEqual({
        id: intent.id,
        sales: expected.received,
        refunds: expected.refunded,
        holdings: expected.received - expected.refunded,
      });
    }
    const net = intents.reduce((sum, intent) => sum + intent.amount_received - intent.amount_refunded, 0);
    expect(net).toBeGreaterThan(0);
    const [balances] = await sql<{ sales: string; refunds: string; holdings: string }>(
      `SELECT sum(CASE WHEN account LIKE '%:sales:%' THEN posted_credits - posted_debits ELSE 0 END)::text AS sales,
              sum(CASE WHEN account LIKE '%:refunds:%' THEN posted_debits - posted_credits ELSE 0 END)::text AS refunds,
              sum(CASE WHEN account LIKE '%:recv:%' OR account LIKE '%:cash:drawer' THEN posted_debits - posted_credits ELSE 0 END)::text AS holdings
         FROM ${journal}.journal_accounts WHERE merchant_id = $1`,
      [tenant.merchantId],
    );
    expect(Number(balances?.sales) - Number(balances?.refunds)).toBe(net);
    expect(Number(balances?.holdings)).toBe(net);
    const [pending] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${journal}.journal_holds WHERE payment_intent_id = ANY ($1::text[]) AND status = 'pending'`, [
      intents.filter((intent) => intent.status === 'completed' || intent.status === 'canceled').map((intent) => intent.id),
    ]);
    expect(pending?.n).toBe(0);
  });

  it('the payment intents read model matches every stream', async () => {
    const schema = await schemaOf('payment_intents');
    const rows = await sql<{ id: string; status: string; amount_received: string; amount_refunded: string }>(
      `SELECT id, status, amount_received::text, amount_refunded::text FROM ${schema}.payment_intents WHERE merchant_id = $1`,
      [tenant.merchantId],
    );
    const fromReadModel = rows.map((row) => ({ id: row.id, status: row.status, amount_received: Number(row.amount_received), amount_refunded: Number(row.amount_refunded) }));
    const fromStreams = intents.map(({ id, status, amount_received, amount_refunded }) => ({ id, status, amount_received, amount_refunded }));
    const byId = (left: { id: string }, right: { id: string }) => left.id.localeCompare(right.id);
    expect(fromReadModel.sort(byId)).toEqual(fromStreams.sort(byId));
  });

  it('sales and settlement add up to the same received and refunded amounts', async () => {
    const [sales] = await sql<{ gross: string; refunds: string; net: string; payments: string }>(
      `SELECT sum(gross)::text AS gross, sum(refunds)::text AS refunds, sum(net)::text AS net, sum(payment_count)::text AS payments
         FROM ${await schemaOf('sales')}.sales_daily WHERE merchant_id = $1`,
      [tenant.merchantId],
    );
    const received = intents.reduce((sum, intent) => sum + intent.amount_received, 0);
    const refunded = intents.reduce((sum, intent) => sum + intent.amount_refunded, 0);
    expect({ gross: Number(sales?.gross), refunds: Number(sales?.refunds), net: Number(sales?.net), payments: Number(sales?.payments) }).toEqual({
      gross: received,
      refunds: refunded,
      net: received - refunded,
      payments: intents.filter((intent) => intent.amount_received > 0).length,
    });
    const settled = intents.filter((intent) => intent.mode !== 'manual');
    const [settlement] = await sql<{ gross: string; refunds: string; fees: string; net: string }>(
      `SELECT sum(gross)::text AS gross, sum(refunds)::text AS refunds, sum(fees)::text AS fees, sum(net)::text AS net
         FROM ${await schemaOf('settlement')}.settlement_day WHERE merchant_id = $1`,
      [tenant.merchantId],
    );
    expect(Number(settlement?.gross)).toBe(settled.reduce((sum, intent) => sum + intent.amount_received, 0));
    expect(Number(settlement?.refunds)).toBe(settled.reduce((sum, intent) => sum + intent.amount_refunded, 0));
    expect(Number(settlement?.net)).toBe(Number(settlement?.gross) - Number(settlement?.refunds) - Number(settlement?.fees));
    const journal = await schemaOf('journal');
    const [fees] = await sql<{ fees: string }>(
      `SELECT sum(posted_credits - posted_debits)::text AS fees FROM ${journal}.journal_accounts WHERE merchant_id = $1 AND account LIKE '%:fees_payable:%'`,
      [tenant.merchantId],
    );
    expect(Number(settlement?.fees)).toBe(Number(fees?.fees));
    expect(Number(fees?.fees)).toBeGreaterThan(0);
  });

  it('rebuilding every projection from the log yields tables identical, row by row, to the live ones', async () => {
    const { projections } = harness.ledger;
    const checksums = async (schema: string): Promise<Record<string, string>> => {
      const tables = await sql<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema]);
      const sums: Record<string, string> = {};
      for (const { table_name: table } of tables) {
        const [row] = await sql<{ rows: number; sum: string | null }>(
          `SELECT count(*)::int AS rows, md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS sum FROM ${schema}.${table} t`,
        );
        sums[table] = `${row?.rows ?? 0}:${row?.sum ?? ''}`;
      }
      return sums;
    };
    const live: Record<string, { schema: string; sums: Record<string, string> }> = {};
    for (const name of projections.names) {
      const schema = await schemaOf(name);
      live[name] = { schema, sums: await checksums(schema) };
    }
    for (const name of projections.names) await projections.rebuild(name);
    await projections.caughtUp(120_000);
    for (const name of projections.names) {
      const rebuilt = await schemaOf(name);
      expect(rebuilt).not.toBe(live[name]?.schema);
      expect({ name, tables: await checksums(rebuilt) }).toEqual({ name, tables: live[name]?.sums });
    }
  }, 180_000);
});
