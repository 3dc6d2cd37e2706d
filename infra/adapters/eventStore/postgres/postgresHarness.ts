import type { ExpectedRevision, NewEvent } from '../../../../domain/eventStore/index.js';
import type { SqlClient } from '../../db/sqlClient.js';
import { appendInTransaction, prepareAppend } from './appendBatch.js';

/**
 * Test support for the PostgreSQL adapter: an append inside a real transaction held open for
 * `holdMs` and then committed or rolled back, as a command handler with work inside its
 * transaction would. Used by the conformance suite and the benchmarks, never by production code.
 */
export async function appendInHeldTransaction(
  client: SqlClient,
  stream: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
  holdMs: number,
  outcome: 'commit' | 'rollback',
): Promise<void> {
  const request = prepareAppend(stream, events, expected, new Date().toISOString());
  await client.withSession(async (session) => {
    await session.query('BEGIN');
    try {
      const [result] = await appendInTransaction(session, [request]);
      if (result !== undefined && !result.ok) throw result.error;
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      await session.query(outcome === 'commit' ? 'COMMIT' : 'ROLLBACK');
    } catch (error) {
      await session.query('ROLLBACK');
      throw error;
    }
  });
}
