import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { authConfig, REPORT_SECURITY } from '../../http/authConfig.js';
import { ledgerEntryParamsSchema, ledgerEntrySchema } from '../../schemas/journal.js';
import { problem, problemSchema } from '../../schemas/problem.js';
import { queryScopeOf } from '../queryScope.js';
import type { JournalQueryDependencies } from './dependencies.js';
import { findLedgerEntry } from './journalQueries.js';

/** `GET /v1/ledger/entries/:entry_id`: one entry with its postings; another tenant's answers 404. */
export function registerGetLedgerEntry(app: FastifyInstance, dependencies: JournalQueryDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/ledger/entries/:entry_id',
    {
      config: authConfig('partner', 'terminal', { staff: ['merchant_reader'] }),
      schema: {
        summary: 'Retrieve a journal entry',
        tags: ['ledger'],
        security: REPORT_SECURITY,
        params: ledgerEntryParamsSchema,
        response: { 200: ledgerEntrySchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const entryId = request.params.entry_id;
      const scope = queryScopeOf(request.principal);
      const entry = scope === undefined ? undefined : await findLedgerEntry(dependencies.readModels, scope, entryId);
      if (entry === undefined) {
        return reply
          .code(404)
          .type('application/problem+json')
          .send(problem(404, 'ledger_entry.not_found', 'Not Found', `no ledger entry ${entryId}`));
      }
      return entry;
    },
  );
}
