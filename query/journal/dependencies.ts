import type { ReadModels } from '../../schemas/readModels/readModels.js';

/** What the ledger routes need (a subset of query/index.ts `QueryDependencies`, named here so query/index.ts can import these routes without a cycle). */
export type JournalQueryDependencies = Readonly<{ readModels: ReadModels }>;
