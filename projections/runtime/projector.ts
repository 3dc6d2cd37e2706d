/**
 * The contract between a read model and the projection runtime (infra/runtime/projections). A projector
 * owns a few tables; the runtime gives each *generation* of a projection its own PostgreSQL schema
 * (`rm_<name>_g<generation>`), creates the projector's tables there from `tables`, and calls
 * `apply` with batches of events in log order, inside one transaction that also moves the
 * projection's checkpoint — so a crash never applies an event twice or skips one.
 *
 * Inside `apply` the transaction's `search_path` is the generation's schema: write unqualified
 * table names. A projector must be deterministic (the same events give the same rows, so a rebuild
 * is identical to the live tables), must read and write only its own tables, and must never read
 * the clock or the event store. Bump `version` whenever `tables` or the logic change: the runtime
 * then rebuilds into a new generation while the old one keeps serving queries.
 */
import type { EventFilter, RecordedEvent } from '../../domain/eventStore/index.js';

export type ProjectionRow = Record<string, unknown>;

/** The one thing a projector (or a query) needs from a database session. Values cross as text/JSON. */
export interface ProjectionSql {
  query<Row extends ProjectionRow = ProjectionRow>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface Projector {
  /** `[a-z][a-z0-9_]{0,29}`: part of schema names and of the status API. */
  readonly name: string;
  /** Positive integer; bump it to rebuild (a new generation) after any change of tables or logic. */
  readonly version: number;
  /** DDL with unqualified names, run once per generation in its schema (`CREATE TABLE …`, `CREATE INDEX …`). */
  readonly tables: readonly string[];
  /** The events the projector needs; the runtime reads only those (the checkpoint still moves past the rest). */
  readonly filter: EventFilter;
  /** Applies a batch, in log order. Throwing rolls the whole batch back (the runtime retries and, if one event keeps failing, parks it). */
  apply(sql: ProjectionSql, events: readonly RecordedEvent[]): Promise<void>;
}

const PROJECTION_NAME_PATTERN = /^[a-z][a-z0-9_]{0,29}$/;

export const isProjectionName = (name: string): boolean => PROJECTION_NAME_PATTERN.test(name);

/** The schema of one generation, e.g. `rm_payment_intents_g3`. */
export function generationSchema(name: string, generation: number): string {
  if (!isProjectionName(name) || !Number.isSafeInteger(generation) || generation < 1) {
    throw new Error(`invalid projection generation ${name}/${generation}`);
  }
  return `rm_${name}_g${generation}`;
}
