import type { ReadModels } from '../../schemas/readModels/readModels.js';

/** What the payment intent report routes need (a subset of query/index.ts `QueryDependencies`, named here so query/index.ts can import these routes without a cycle). */
export type PaymentIntentQueryDependencies = Readonly<{ readModels: ReadModels }>;
