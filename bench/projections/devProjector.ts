import type { RecordedEvent } from '../../domain/eventStore/index.js';
import type { ProjectionSql, Projector } from '../../projections/runtime/projector.js';

/**
 * A trivial read model for developing the benchmark while `allProjectors` is still being filled:
 * events per type, one set-based upsert per batch. Never part of a reported result unless
 * BENCH_PROJECTORS asks for it (the result then says so).
 */
export const benchCountsProjector: Projector = {
  name: 'bench_counts',
  version: 1,
  tables: ['CREATE TABLE event_counts (event_type text PRIMARY KEY, events bigint NOT NULL)'],
  filter: {},
  async apply(sql: ProjectionSql, events: readonly RecordedEvent[]): Promise<void> {
    const counts = new Map<string, number>();
    for (const event of events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
    await sql.query(
      `INSERT INTO event_counts (event_type, events) SELECT * FROM unnest($1::text[], $2::bigint[])
       ON CONFLICT (event_type) DO UPDATE SET events = event_counts.events + EXCLUDED.events`,
      [[...counts.keys()], [...counts.values()]],
    );
  },
};
