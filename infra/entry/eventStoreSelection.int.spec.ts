/**
 * Start-up with EVENTSTORE_CONNECTION_STRING, as `npx tsx infra/entry/main.ts` runs it: without
 * DATABASE_URL it refuses (PostgreSQL still holds read models, keys, checkpoints); with a server
 * that does not answer (a closed port here — no EventStoreDB runs on this machine) it stops with
 * the address and the client's reason and exit code 1, and never listens. The client connects
 * for real: only the server is missing.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../../test/support/database.js';
import { redactConnectionString } from './eventStoreSelection.js';

type Exit = Readonly<{ code: number | null; output: string }>;

function runMain(environment: Record<string, string>): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...environment };
    delete env.DATABASE_URL;
    if (environment.DATABASE_URL !== undefined) env.DATABASE_URL = environment.DATABASE_URL;
    const child = spawn('npx', ['tsx', 'infra/entry/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main did not exit; output: ${output}`));
    }, 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('selecting the EventStoreDB adapter at start-up', () => {
  it('an unreachable server stops start-up with its address, the client reason and exit code 1', async () => {
    const port = await closedPort();
    const connectionString = `esdb://admin:changeit@127.0.0.1:${port}?tls=false`;
    const exit = await runMain({ EVENTSTORE_CONNECTION_STRING: connectionString, DATABASE_URL: testDatabaseUrl() });
    expect(exit.code).toBe(1);
    expect(exit.output).toContain(`EventStoreDB at esdb://127.0.0.1:${port}?tls=false is unreachable: unavailable`);
    expect(exit.output).not.toContain('changeit');
    expect(exit.output).not.toContain('listening');
  });

  it('EVENTSTORE_CONNECTION_STRING without DATABASE_URL is refused at once with exit code 1', async () => {
    const exit = await runMain({ EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:2113?tls=false' });
    expect(exit.code).toBe(1);
    expect(exit.output).toContain('EVENTSTORE_CONNECTION_STRING is set but DATABASE_URL is not');
  });

  it('redacts credentials from the address it prints', () => {
    expect(redactConnectionString('esdb+discover://user:p%40ss@a:2113,b:2113?tls=true')).toBe('esdb+discover://a:2113,b:2113?tls=true');
    expect(redactConnectionString('esdb://127.0.0.1:2113?tls=false')).toBe('esdb://127.0.0.1:2113?tls=false');
  });
});
