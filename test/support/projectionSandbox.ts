/**
 * Runs one projector against the real PostgreSQL without the runtime: a fresh schema holding the
 * projector's tables, and `apply` in a transaction whose search_path is that schema — the same
 * conditions the runtime gives it (infra/runtime/projections). For projector specs.
 */
import { randomUUID } from 'node:crypto';
import type { JsonObject, RecordedEvent } from '../../domain/eventStore/index.js';
import type { ProjectionRow, Projector } from '../../projections/runtime/projector.js';
import type { SqlClient } from '../../infra/adapters/db/sqlClient.js';
import { afterAll, beforeAll } from 'vitest';
import { createTestClient } from './database.js';

export type ProjectionSandbox = Readonly<{
  schema: string;
  /** Applies `events` as one batch (one transaction), like the runtime. */
  apply(events: readonly RecordedEvent[]): Promise<void>;
  /** Runs a query with the sandbox schema first on the search_path. */
  query<Row extends ProjectionRow = ProjectionRow>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  drop(): Promise<void>;
}>;

export async function createProjectionSandbox(client: SqlClient, projector: Projector): Promise<ProjectionSandbox> {
  const schema = `rm_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await client.withSession(async (session) => {
    await session.exec(`BEGIN; CREATE SCHEMA ${schema}; SET LOCAL search_path TO ${schema};`);
    try {
      for (const statement of projector.tables) await session.query(statement);
      await session.exec('COMMIT');
    } catch (error) {
      await session.exec('ROLLBACK');
      throw error;
    }
  });
  const inSchema = <T>(work: (session: Parameters<Parameters<SqlClient['withSession']>[0]>[0]) => Promise<T>): Promise<T> =>
    client.withSession(async (session) => {
      await session.exec(`BEGIN; SET LOCAL search_path TO ${schema};`);
      try {
        const result = await work(session);
        await session.exec('COMMIT');
        return result;
      } catch (error) {
        await session.exec('ROLLBACK');
        throw error;
      }
    });
  return {
    schema,
    apply: (events) => inSchema((session) => projector.apply(session, events)),
    query: (text, params) => inSchema((session) => session.query(text, params)),
    drop: () => client.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}

let nextPosition = 1n;

/**
 * Wraps domain events (`{ type, data }`) as recorded events of `stream`, with fresh ids, increasing
 * positions and `recordedAt` = the event's `occurredAt` (or now). Hashes are not meaningful here.
 */
export function recorded(stream: string, events: readonly Readonly<{ type: string; data: object }>[], firstRevision = 0): RecordedEvent[] {
  return events.map((event, index) => {
    const data = event.data as JsonObject;
    const occurredAt = typeof data.occurredAt === 'string' ? data.occurredAt : new Date().toISOString();
    const position = nextPosition;
    nextPosition += 1n;
    return {
      id: randomUUID(),
      type: event.type,
      schemaVersion: 1,
      data,
      metadata: {},
      stream,
      revision: firstRevision + index,
      position: { commit: position, prepare: position },
      recordedAt: occurredAt,
      prevHash: '0'.repeat(64),
      hash: '0'.repeat(64),
    };
  });
}

/**
 * For a spec file: a test-database client opened before the tests, and `sandbox()` giving a fresh
 * sandbox of `projector` each call; all are dropped and the client closed after the tests.
 */
export function projectionSandboxes(projector: Projector): () => Promise<ProjectionSandbox> {
  let client: SqlClient | undefined;
  const created: ProjectionSandbox[] = [];
  beforeAll(() => {
    client = createTestClient(2);
  });
  afterAll(async () => {
    for (const sandbox of created) await sandbox.drop();
    await client?.close();
  });
  return async () => {
    if (client === undefined) throw new Error('projectionSandboxes: use sandbox() inside a test');
    const sandbox = await createProjectionSandbox(client, projector);
    created.push(sandbox);
    return sandbox;
  };
}
