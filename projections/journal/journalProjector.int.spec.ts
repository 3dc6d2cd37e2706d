/**
 * The journal projector on the real PostgreSQL, through the projection sandbox (the runtime's
 * conditions: a fresh schema, one transaction per batch, search_path = the schema): balanced
 * entries, balances equal to the postings and to the posting rules run in memory, business dates
 * from the store's schedule, identical rows on a rebuild and on any split into batches, nothing
 * changed by a replayed batch, and balances as of an instant.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import { paymentIntentCodec } from '../../schemas/events/index.js';
import { createTestClient } from '../../test/support/database.js';
import { createProjectionSandbox, recorded, type ProjectionSandbox } from '../../test/support/projectionSandbox.js';
import { journalProjector } from './journalProjector.js';
import { JOURNAL_LOG_FEES, paymentSlices, tenancySlices, type StreamSlice } from './testing/journalLog.js';
import { JournalBook } from './testing/journalBook.js';

const client = createTestClient(2);
const sandboxes: ProjectionSandbox[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.drop()));
  await client.close();
});

async function sandbox(): Promise<ProjectionSandbox> {
  const created = await createProjectionSandbox(client, journalProjector);
  sandboxes.push(created);
  return created;
}

const toRecorded = (slices: readonly StreamSlice[]): RecordedEvent[] => slices.flatMap((slice) => recorded(slice.stream, slice.events));

// 19:30 UTC is 04:30 on 2 June in Tokyo: before the store's 05:00 cut-off, so business date 1 June;
// 20:30 UTC (05:30 in Tokyo) is business date 2 June.
const beforeCutoff = '2025-06-01T19:30:00.000Z';
const afterCutoff = '2025-06-01T20:30:00.000Z';
const log = toRecorded([...tenancySlices(1), ...paymentSlices(30, '2025-06-01T03:00:00.000Z'), ...paymentSlices(10, beforeCutoff, 1, 30), ...paymentSlices(5, afterCutoff, 1, 40)]);

/** Every table, in key order, as the rows a rebuild must reproduce exactly. */
async function dump(target: ProjectionSandbox): Promise<unknown[]> {
  return Promise.all([
    target.query('SELECT * FROM journal_entries ORDER BY entry_id'),
    target.query('SELECT * FROM journal_postings ORDER BY posting_id'),
    target.query('SELECT * FROM journal_accounts ORDER BY account, currency'),
    target.query('SELECT * FROM journal_holds ORDER BY hold_key'),
    target.query('SELECT * FROM tenancy_store ORDER BY store_id'),
    target.query('SELECT * FROM tenancy_provider_fees ORDER BY config_id'),
  ]);
}

describe('journal projector', () => {
  it('posts balanced entries whose sums are the account balances the posting rules compute', async () => {
    const target = await sandbox();
    await target.apply(log);
    const unbalanced = await target.query(
      `SELECT entry_id, currency, effect FROM journal_postings GROUP BY entry_id, currency, effect
       HAVING sum(amount) FILTER (WHERE direction = 'debit') IS DISTINCT FROM sum(amount) FILTER (WHERE direction = 'credit')`,
    );
    expect(unbalanced).toEqual([]);
    const fromPostings = await target.query(
      `SELECT account, currency,
              coalesce(sum(amount) FILTER (WHERE direction = 'debit' AND effect = 'posted'), 0)::text AS posted_debits,
              coalesce(sum(amount) FILTER (WHERE direction = 'credit' AND effect = 'posted'), 0)::text AS posted_credits,
              coalesce(sum(CASE WHEN effect = 'pending' THEN amount ELSE -amount END) FILTER (WHERE direction = 'debit' AND effect <> 'posted'), 0)::text AS pending_debits,
              coalesce(sum(CASE WHEN effect = 'pending' THEN amount ELSE -amount END) FILTER (WHERE direction = 'credit' AND effect <> 'posted'), 0)::text AS pending_credits
         FROM journal_postings GROUP BY account, currency ORDER BY account, currency`,
    );
    const accounts = await target.query(
      'SELECT account, currency, posted_debits::text, posted_credits::text, pending_debits::text, pending_credits::text FROM journal_accounts ORDER BY account, currency',
    );
    expect(accounts).toEqual(fromPostings);
    const book = new JournalBook(JOURNAL_LOG_FEES);
    for (const event of log) if (paymentIntentCodec.owns(event.stream)) book.post(paymentIntentCodec.decode(event), event.id);
    const expected = [...book.balances().values()]
      .map(({ account, currency, balances }) => ({
        account: account.path,
        currency,
        posted_debits: `${balances.postedDebits}`,
        posted_credits: `${balances.postedCredits}`,
        pending_debits: `${balances.pendingDebits}`,
        pending_credits: `${balances.pendingCredits}`,
      }))
      .sort((left, right) => (left.account < right.account ? -1 : 1));
    expect(accounts).toEqual(expected);
    expect(accounts.length).toBeGreaterThan(10);
    const [counts] = await target.query<{ entries: number; fees: number; holds_open: number }>(
      `SELECT (SELECT count(*)::int FROM journal_entries) AS entries, (SELECT count(*)::int FROM journal_entries WHERE code = 3001) AS fees,
              (SELECT count(*)::int FROM journal_holds WHERE status = 'pending') AS holds_open`,
    );
    expect(counts).toEqual({ entries: book.entries.length, fees: book.entries.filter((entry) => entry.code === 3001).length, holds_open: 0 });
  });

  it("dates entries by the store's business day (05:00 cut-off in Tokyo) and keeps the fees of the store's configuration", async () => {
    const target = await sandbox();
    await target.apply(log);
    const dates = await target.query<{ occurred_at: string; business_date: string }>(
      `SELECT DISTINCT to_char(occurred_at AT TIME ZONE 'UTC', 'HH24:MI') AS occurred_at, business_date::text AS business_date FROM journal_entries ORDER BY 1`,
    );
    expect(dates).toEqual([
      { occurred_at: '03:00', business_date: '2025-06-01' },
      { occurred_at: '19:30', business_date: '2025-06-01' },
      { occurred_at: '20:30', business_date: '2025-06-02' },
    ]);
    const captured = await target.query<{ postings: string[] }>(
      `SELECT array_agg(p.account || ' ' || p.direction || ' ' || p.amount ORDER BY p.leg) AS postings
         FROM journal_entries e JOIN journal_postings p USING (entry_id)
        WHERE e.code = 3001 AND (e.metadata->>'fee_base_minor')::int = 8000 GROUP BY e.entry_id LIMIT 1`,
    );
    expect(captured[0]?.postings.map((line) => line.replace(/^m:mer_\w+:/, ''))).toEqual([
      'fees:mdr:paypay debit 128',
      'tax:input_consumption debit 13',
      'fees_payable:paypay credit 141',
    ]);
  });

  it('a rebuild in a fresh schema gives the same rows, and re-applying a batch changes nothing', async () => {
    const first = await sandbox();
    const second = await sandbox();
    await first.apply(log);
    await second.apply(log);
    const rows = await dump(first);
    expect(await dump(second)).toEqual(rows);
    await first.apply(log.slice(40, 120));
    expect(await dump(first)).toEqual(rows);
  });

  it('property: any split of the log into batches gives the same rows as one batch', async () => {
    const whole = await sandbox();
    await whole.apply(log);
    const expected = await dump(whole);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: log.length - 1 }), { minLength: 1, maxLength: 12 }), async (cuts) => {
        const target = await sandbox();
        const bounds = [0, ...[...cuts].sort((left, right) => left - right), log.length];
        for (let index = 0; index + 1 < bounds.length; index += 1) await target.apply(log.slice(bounds[index], bounds[index + 1]));
        expect(await dump(target)).toEqual(expected);
        await target.drop();
      }),
      { numRuns: 6 },
    );
  });

  it('balances as of an instant are the postings that occurred at or before it', async () => {
    const target = await sandbox();
    await target.apply(log);
    const asOf = (instant: string) =>
      target.query<{ account: string; posted: string }>(
        `SELECT account, (coalesce(sum(amount) FILTER (WHERE direction = 'debit' AND effect = 'posted'), 0)
                         - coalesce(sum(amount) FILTER (WHERE direction = 'credit' AND effect = 'posted'), 0))::text AS posted
           FROM journal_postings WHERE occurred_at <= $1 AND account LIKE '%:cash:drawer' GROUP BY account`,
        [instant],
      );
    const book = (until: string) => {
      const journal = new JournalBook(JOURNAL_LOG_FEES);
      for (const event of log) {
        if (!paymentIntentCodec.owns(event.stream)) continue;
        const decoded = paymentIntentCodec.decode(event);
        if (decoded.data.occurredAt <= until) journal.post(decoded, event.id);
      }
      return [...journal.balances().values()]
        .filter(({ account }) => account.path.endsWith(':cash:drawer'))
        .map(({ account, balances }) => ({ account: account.path, posted: `${balances.postedDebits - balances.postedCredits}` }));
    };
    expect(await asOf('2025-06-01T00:00:00.000Z')).toEqual([]);
    expect(await asOf('2025-06-01T12:00:00.000Z')).toEqual(book('2025-06-01T12:00:00.000Z'));
    expect(await asOf('2025-06-02T00:00:00.000Z')).toEqual(book('2025-06-02T00:00:00.000Z'));
    expect(await asOf('2025-06-01T12:00:00.000Z')).not.toEqual(await asOf('2025-06-02T00:00:00.000Z'));
  });
});
