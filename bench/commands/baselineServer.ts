/**
 * The baseline of `bench:commands` (reference/baselines.md §2, `insert.mjs`): a bare fastify server
 * whose one route does one `INSERT INTO t (payload) VALUES ($1) RETURNING id` through a pg Pool of
 * 10. No validation, no auth, no logging: what one durable write per HTTP request costs here.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/x PORT=3212 node --import tsx bench/commands/baselineServer.ts
 */
import Fastify from 'fastify';
import pg from 'pg';

const POOL_SIZE = 10;

async function main(): Promise<void> {
  const connectionString = process.env.DATABASE_URL;
  if (connectionString === undefined) throw new Error('DATABASE_URL is required');
  const pool = new pg.Pool({ connectionString, max: POOL_SIZE, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
  await pool.query('CREATE TABLE IF NOT EXISTS t (id bigserial PRIMARY KEY, payload jsonb NOT NULL)');
  const app = Fastify({ logger: false, keepAliveTimeout: 10_000, connectionTimeout: 30_000, requestTimeout: 30_000 });
  app.get('/health', () => ({ status: 'ok' }));
  app.post('/events', async (request, reply) => {
    const result = await pool.query<{ id: string }>('INSERT INTO t (payload) VALUES ($1) RETURNING id', [JSON.stringify(request.body)]);
    return reply.code(201).send({ id: result.rows[0]?.id });
  });
  await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 3212) });
  const stop = (): void => {
    void app.close().then(() => pool.end());
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
