/**
 * The ledger routes (ARCHITECTURE.md §7) over the `journal` read model: accounts with balances
 * (also as of an instant), and journal entries with their postings.
 */
import type { FastifyInstance } from 'fastify';
import type { JournalQueryDependencies } from './dependencies.js';
import { registerGetLedgerEntry } from './getLedgerEntry.js';
import { registerListLedgerAccounts } from './listLedgerAccounts.js';
import { registerListLedgerEntries } from './listLedgerEntries.js';

export type { JournalQueryDependencies } from './dependencies.js';

export function registerJournalQueryRoutes(app: FastifyInstance, dependencies: JournalQueryDependencies): void {
  registerListLedgerAccounts(app, dependencies);
  registerListLedgerEntries(app, dependencies);
  registerGetLedgerEntry(app, dependencies);
}
