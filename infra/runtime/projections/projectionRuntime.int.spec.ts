/**
 * The projection runtime on the real PostgreSQL, with a small projector whose table refuses a
 * second insert of the same event (so a double apply cannot pass unnoticed): exactly-once with
 * the checkpoint, resume after restart, transient failures retried, a poison event parked and
 * visible until skipped, one active instance per projection, and blue/green rebuilds.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../domain/eventStore/index.js';
import type { Projector, ProjectionSql } from '../../../projections/runtime/projector.js';
import { createTestClient } from '../../../test/support/database.js';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from '../../adapters/eventStore/postgres/postgresEventStore.js';
import { startProjections, type ProjectionRuntime } from './projectionRuntime.js';

let client: SqlClient;
let store: PostgresEventStore;
const runtimes: ProjectionRuntime[] = [];

beforeAll(() => {
  client = createTestClient(12);
  store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client, pollIntervalMs: 100 });
});
afterAll(async () => {
  await Promise.all(runtimes.map((runtime) => runtime.stop()));
  await store.close();
  await client.close();
});

type Behaviour = Readonly<{ failFirstBatches?: number; poisonous?: boolean; version?: number }>;

/** Counts events of its own streams; `seen.event_id` is a primary key, so a double apply fails loudly. */
function countingProjector(name: string, prefix: string, behaviour: Behaviour = {}): Projector & { calls: number } {
  const projector = {
    name,
    version: behaviour.version ?? 1,
    tables: ['CREATE TABLE seen (event_id uuid PRIMARY KEY, stream text NOT NULL, revision integer NOT NULL)'],
    filter: { streamPrefixes: [prefix] },
    calls: 0,
    async apply(sql: ProjectionSql, events: readonly RecordedEvent[]): Promise<void> {
      projector.calls += 1;
      await sql.query('INSERT INTO seen (event_id, stream, revision) SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[])', [
        events.map((event) => event.id),
        events.map((event) => event.stream),
        events.map((event) => event.revision),
      ]);
      if (projector.calls <= (behaviour.failFirstBatches ?? 0)) throw new Error('simulated crash after the writes');
      if (behaviour.poisonous === true && events.some((event) => event.data.poison === true)) throw new Error('cannot apply a poison event');
    },
  };
  return projector;
}

function start(projector: Projector, options: Parameters<typeof startProjections>[0]['options'] = {}): ProjectionRuntime {
  const runtime = startProjections({ client, store, projectors: [projector], log: () => undefined, options: { lockPollMs: 100, ...options }, servingSchemaCacheMs: 0 });
  runtimes.push(runtime);
  return runtime;
}

async function appendEvents(prefix: string, streams: number, perStream: number, data: (index: number) => Record<string, boolean> = () => ({})): Promise<string[]> {
  const ids: string[] = [];
  await Promise.all(
    Array.from({ length: streams }, async (_, stream) => {
      const events = Array.from({ length: perStream }, (_, index) => ({
        id: randomUUID(),
        type: 'Counted',
        schemaVersion: 1,
        data: data(stream * perStream + index),
        metadata: {},
      }));
      ids.push(...events.map((event) => event.id));
      await store.append(`${prefix}${stream}`, events, { kind: 'any' });
    }),
  );
  return ids;
}

async function seen(runtime: ProjectionRuntime, name: string): Promise<number> {
  const schema = await runtime.readModels.servingSchema(name);
  const [row] = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.seen`);
  return row?.n ?? -1;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const unique = (): { name: string; prefix: string } => {
  const tag = randomUUID().replaceAll('-', '').slice(0, 10);
  return { name: `rt_${tag}`, prefix: `RtTest${tag}-` };
};

describe('projection runtime', () => {
  it('applies every event exactly once with its checkpoint, and resumes from it after a restart', async () => {
    const { name, prefix } = unique();
    await appendEvents(prefix, 20, 15);
    const first = start(countingProjector(name, prefix), { batchSizeMax: 50 });
    await first.caughtUp();
    expect(await seen(first, name)).toBe(300);
    await first.stop();

    await appendEvents(prefix, 10, 10);
    const second = start(countingProjector(name, prefix), { batchSizeMax: 50 });
    await second.caughtUp();
    expect(await seen(second, name)).toBe(400);
    const [status] = await second.status();
    expect(status).toMatchObject({ name, state: 'running', rebuild: null, parked_events: [] });
    expect(status?.serving).toMatchObject({ generation: 1, events_behind: 0, seconds_behind: 0, events_applied: 400 });
  });

  it('rolls back a batch that fails after writing and retries it: nothing is applied twice', async () => {
    const { name, prefix } = unique();
    await appendEvents(prefix, 5, 20);
    const runtime = start(countingProjector(name, prefix, { failFirstBatches: 2 }), { batchSizeMax: 30 });
    await runtime.caughtUp();
    expect(await seen(runtime, name)).toBe(100);
    const [status] = await runtime.status();
    expect(status?.state).toBe('running');
    expect(status?.last_error?.message).toContain('simulated crash');
    expect(status?.parked_events).toEqual([]);
  });

  it('parks an event that keeps failing, shows it, and moves past it only when an operator skips it', async () => {
    const { name, prefix } = unique();
    const ids = await appendEvents(prefix, 1, 11, (index) => ({ poison: index === 5 }));
    const poisonId = ids[5] ?? '';
    const runtime = start(countingProjector(name, prefix, { poisonous: true }), { attemptsMax: 2 });
    await waitFor('the parked state', async () => (await runtime.status())[0]?.state === 'parked');
    const [parked] = await runtime.status();
    expect(parked?.parked_events).toEqual([expect.objectContaining({ event_id: poisonId, event_type: 'Counted', stream_name: `${prefix}0`, attempts: 2 })]);
    expect(parked?.parked_events[0]?.error).toContain('poison');
    expect(await seen(runtime, name)).toBe(5);
    expect(parked?.serving?.events_behind).toBe(6);

    expect(runtime.skipParked(name, randomUUID())).toBe(false);
    expect(runtime.skipParked(name, poisonId)).toBe(true);
    await runtime.caughtUp();
    expect(await seen(runtime, name)).toBe(10);
    const rows = await client.query<{ resolution: string }>('SELECT resolution FROM projection_parked_events WHERE projection_name = $1 AND event_id = $2', [name, poisonId]);
    expect(rows).toEqual([{ resolution: 'skipped' }]);
    expect((await runtime.status())[0]).toMatchObject({ state: 'running', parked_events: [] });
  });

  it('runs one active instance per projection; a standby takes over from the checkpoint', async () => {
    const { name, prefix } = unique();
    await appendEvents(prefix, 4, 10);
    const active = start(countingProjector(name, prefix));
    await active.caughtUp();
    const standby = start(countingProjector(name, prefix));
    await waitFor('the standby', async () => (await standby.status())[0]?.state === 'standby');
    await appendEvents(prefix, 2, 10);
    await active.caughtUp();
    await active.stop();
    await waitFor('the take-over', async () => (await standby.status())[0]?.state === 'running');
    await appendEvents(prefix, 1, 10);
    await standby.caughtUp();
    expect(await seen(standby, name)).toBe(70);
  });

  it('rebuilds into a new generation while the old one serves, switches once caught up, and drops the old tables', async () => {
    const { name, prefix } = unique();
    await appendEvents(prefix, 10, 30);
    const runtime = start(countingProjector(name, prefix), { retiredSchemaDropDelayMs: 100 });
    await runtime.caughtUp();
    const before = await runtime.readModels.servingSchema(name);
    const checksum = async (schema: string) =>
      (await client.query<{ sum: string }>(`SELECT md5(string_agg(event_id::text || stream || revision, ',' ORDER BY event_id)) AS sum FROM ${schema}.seen`))[0]?.sum;
    const live = await checksum(before);

    expect(await runtime.rebuild(name)).toEqual({ generation: 2 });
    await runtime.caughtUp();
    const after = await runtime.readModels.servingSchema(name);
    expect(after).toBe(`rm_${name}_g2`);
    expect(await checksum(after)).toBe(live);
    await waitFor('the old schema dropped', async () => (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [before])).length === 0);
    const generations = await client.query<{ generation: number; state: string }>(
      'SELECT generation, state FROM projection_generations WHERE projection_name = $1 ORDER BY generation',
      [name],
    );
    expect(generations).toEqual([
      { generation: 1, state: 'retired' },
      { generation: 2, state: 'serving' },
    ]);
  });

  it('rebuilds when the code brings a new version, serving the old tables until the new ones caught up', async () => {
    const { name, prefix } = unique();
    await appendEvents(prefix, 5, 20);
    const v1 = start(countingProjector(name, prefix));
    await v1.caughtUp();
    await v1.stop();
    const v2 = start(countingProjector(name, prefix, { version: 2 }));
    await v2.caughtUp();
    expect(await v2.readModels.servingSchema(name)).toBe(`rm_${name}_g2`);
    expect(await seen(v2, name)).toBe(100);
    const [status] = await v2.status();
    expect(status).toMatchObject({ version: 2, state: 'running', rebuild: null });
    expect(status?.serving).toMatchObject({ generation: 2, version: 2 });
  });
});
