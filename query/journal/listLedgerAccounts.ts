import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { authConfig, REPORT_SECURITY } from '../../http/authConfig.js';
import { ledgerAccountListSchema, listLedgerAccountsQuerySchema } from '../../schemas/journal.js';
import { problem, problemSchema } from '../../schemas/problem.js';
import { queryScopeOf } from '../queryScope.js';
import type { JournalQueryDependencies } from './dependencies.js';
import { InvalidCursorError, listLedgerAccounts } from './journalQueries.js';

/**
 * `GET /v1/ledger/accounts`: a merchant's accounts (payments.md b.2) with their posted and pending
 * balances, now or `as_of` an instant, by account path, a page at a time. Partners name the
 * merchant (`merchant_id`, 400 `merchant_id_required` without it) and see its store and
 * merchant-level accounts; a terminal sees its own store's accounts only (no fee or tax accounts).
 * Another tenant's merchant has no accounts here (an empty list).
 */
export function registerListLedgerAccounts(app: FastifyInstance, dependencies: JournalQueryDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/ledger/accounts',
    {
      config: authConfig('partner', 'terminal', { staff: ['merchant_reader'] }),
      schema: {
        summary: 'List ledger accounts with balances',
        description:
          "A merchant's books: each account's posted and pending debits, credits and balance (debits − credits for debit-normal accounts, credits − debits for credit-normal ones). With `as_of`, the balances of the postings that occurred at or before that instant. Partners name the merchant and see its store and merchant-level accounts; terminals see their own store's accounts only (merchant-level accounts — MDR fees, fees payable, consumption tax — have no store and are shown to partners only). Served from the journal read model: eventually consistent.",
        tags: ['ledger'],
        security: REPORT_SECURITY,
        querystring: listLedgerAccountsQuerySchema,
        response: { 200: ledgerAccountListSchema, 400: problemSchema },
      },
    },
    async (request, reply) => {
      const scope = queryScopeOf(request.principal);
      if (scope === undefined) return { object: 'list' as const, data: [], has_more: false };
      if (scope.kind === 'client_partner' && request.query.merchant_id === undefined) {
        const body = { ...problem(400, 'merchant_id_required', 'Bad Request', 'partners name the merchant whose books to list'), param: 'merchant_id' };
        return reply.code(400).type('application/problem+json').send(body);
      }
      try {
        const page = await listLedgerAccounts(dependencies.readModels, scope, request.query);
        return { object: 'list' as const, data: [...page.items], has_more: page.hasMore };
      } catch (error) {
        if (!(error instanceof InvalidCursorError)) throw error;
        const body = { ...problem(400, 'invalid_cursor', 'Bad Request', error.message), param: 'starting_after' };
        return reply.code(400).type('application/problem+json').send(body);
      }
    },
  );
}
