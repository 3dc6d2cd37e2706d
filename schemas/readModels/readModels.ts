/**
 * What the query routes get from the composition root (infra/entry/ledger.ts): a Kysely instance over the
 * read-model database, and the schema of the generation of each projection that serves queries
 * right now (a rebuild switches it; see infra/runtime/projections). Routes never name a schema themselves:
 *
 * @example
 *   const schema = await readModels.servingSchema('payment_intents');
 *   const db = readModels.db.withSchema(schema).withTables<PaymentIntentTables>();
 */
import type { Kysely } from 'kysely';

export interface ReadModels {
  readonly db: Kysely<Record<string, never>>;
  /**
   * The schema serving `projection` (e.g. `rm_payment_intents_g2`). Throws `ReadModelUnavailableError`
   * when the projection has no generation yet (the first start, before its tables exist).
   */
  servingSchema(projection: string): Promise<string>;
}

/** Mapped to 503 `read_model_unavailable` by the query routes' error handler. */
export class ReadModelUnavailableError extends Error {
  override readonly name = 'ReadModelUnavailableError';
  constructor(readonly projection: string) {
    super(`The ${projection} read model is not available yet.`);
  }
}
