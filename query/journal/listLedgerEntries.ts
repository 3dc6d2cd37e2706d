import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { authConfig, REPORT_SECURITY } from '../../http/authConfig.js';
import { ledgerEntryListSchema, listLedgerEntriesQuerySchema } from '../../schemas/journal.js';
import { problem, problemSchema } from '../../schemas/problem.js';
import { queryScopeOf } from '../queryScope.js';
import type { JournalQueryDependencies } from './dependencies.js';
import { InvalidCursorError, listLedgerEntries } from './journalQueries.js';

/**
 * `GET /v1/ledger/entries`: journal entries with their postings, newest first, filtered by
 * merchant, store, payment intent or transfer code, a page at a time. A partner sees its client
 * partner's entries, a terminal its own store's (fee accruals of its payments included).
 */
export function registerListLedgerEntries(app: FastifyInstance, dependencies: JournalQueryDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/ledger/entries',
    {
      config: authConfig('partner', 'terminal', { staff: ['merchant_reader'] }),
      schema: {
        summary: 'List journal entries',
        description: 'Double-entry journal entries (payments.md b.3) with their postings, newest first. Served from the journal read model: eventually consistent.',
        tags: ['ledger'],
        security: REPORT_SECURITY,
        querystring: listLedgerEntriesQuerySchema,
        response: { 200: ledgerEntryListSchema, 400: problemSchema },
      },
    },
    async (request, reply) => {
      const scope = queryScopeOf(request.principal);
      if (scope === undefined) return { object: 'list' as const, data: [], has_more: false };
      try {
        const page = await listLedgerEntries(dependencies.readModels, scope, request.query);
        return { object: 'list' as const, data: [...page.items], has_more: page.hasMore };
      } catch (error) {
        if (!(error instanceof InvalidCursorError)) throw error;
        const body = { ...problem(400, 'invalid_cursor', 'Bad Request', error.message), param: 'starting_after' };
        return reply.code(400).type('application/problem+json').send(body);
      }
    },
  );
}
