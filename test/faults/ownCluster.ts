/**
 * A PostgreSQL cluster of the fault suite's own (initdb into a temporary folder, its own port and
 * socket folder), so a test can stop and start the server without touching the shared one.
 * Run as the `postgres` OS user when the tests run as root (initdb refuses root).
 * PG_BIN overrides where the server binaries are (default: the newest /usr/lib/postgresql/N/bin).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type OwnCluster = Readonly<{
  /** The URL of `database` on this cluster. */
  url: (database: string) => string;
  stopServer: () => Promise<void>;
  startServer: () => Promise<void>;
  /** Stops the server and deletes the cluster. */
  destroy: () => Promise<void>;
}>;

/** The folder holding initdb and pg_ctl, or undefined when none is installed. */
export function postgresBinaries(): string | undefined {
  if (process.env.PG_BIN !== undefined) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((left, right) => Number(right) - Number(left));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export async function createOwnCluster(bin: string): Promise<OwnCluster> {
  const folder = mkdtempSync(join(tmpdir(), 'ledger-faults-'));
  const data = join(folder, 'data');
  const asRoot = process.getuid?.() === 0;
  const pg = (tool: string, args: readonly string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), [...args]));
  if (asRoot) await run('chown', ['postgres', folder]);
  const port = await freePort();
  await pg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--no-instructions']);
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`;
  const startServer = async (): Promise<void> => {
    await pg('pg_ctl', ['-D', data, '-o', options, '-l', join(folder, 'server.log'), '-w', '-t', '30', 'start']);
  };
  const stopServer = async (): Promise<void> => {
    await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
  };
  await startServer();
  return {
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    stopServer,
    startServer,
    destroy: async () => {
      await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
