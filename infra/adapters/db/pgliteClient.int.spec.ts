/**
 * The embedded store's data folder: data survives a restart, and a second opener — in this
 * process or another — is refused while the first holds it (two openers corrupt PGlite's
 * folder; reference/baselines.md §3). A lock left by a killed process is taken over.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DirectoryLockedError } from './directoryLock.js';
import { migrate } from './migrate.js';
import { createPgliteClient } from './pgliteClient.js';

const run = promisify(execFile);
const folders: string[] = [];
const newFolder = (): string => {
  const folder = mkdtempSync(join(tmpdir(), 'ledger-pglite-'));
  folders.push(folder);
  return folder;
};

afterAll(() => {
  folders.forEach((folder) => {
    rmSync(folder, { recursive: true, force: true });
  });
});

describe('embedded PGlite data folder', () => {
  it('keeps committed rows across a close and reopen', async () => {
    const folder = newFolder();
    const first = await createPgliteClient(folder);
    await migrate(first);
    await first.exec(`CREATE TABLE kept (n int); INSERT INTO kept VALUES (1), (2), (3);`);
    await first.close();
    const second = await createPgliteClient(folder);
    const rows = await second.query<{ total: number }>('SELECT sum(n)::int AS total FROM kept');
    expect(rows[0]?.total).toBe(6);
    expect(await migrate(second)).toEqual([]);
    await second.close();
  });

  it('refuses a second opener in the same process while the first is open', async () => {
    const folder = newFolder();
    const first = await createPgliteClient(folder);
    await expect(createPgliteClient(folder)).rejects.toBeInstanceOf(DirectoryLockedError);
    await first.close();
    const again = await createPgliteClient(folder);
    await again.close();
  });

  it('refuses another process while this one holds the folder', async () => {
    const folder = newFolder();
    const holder = await createPgliteClient(folder);
    const script = join(folder, 'open.mts');
    const moduleUrl = new URL('./pgliteClient.ts', import.meta.url).href;
    writeFileSync(
      script,
      `import { createPgliteClient } from ${JSON.stringify(moduleUrl)};
try { const c = await createPgliteClient(${JSON.stringify(folder)}); await c.close(); process.stdout.write('opened'); }
catch (e) { process.stdout.write(e instanceof Error ? e.name : 'unknown'); }`,
    );
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script], { timeout: 60_000 });
    expect(stdout).toBe('DirectoryLockedError');
    await holder.close();
  });

  it('takes over a lock left by a process that died', async () => {
    const folder = newFolder();
    const { stdout } = await run(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(folder, 'ledger.lock'), stdout);
    const client = await createPgliteClient(folder);
    expect(await client.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await client.close();
  });
});
