/**
 * Issue 9 item 4: the embedded store is owner-only whatever the umask. Started with umask 0 on a
 * folder an older version left open (0777, a 0666 file), the ledger fixes it at start with a log
 * line, and every folder (0700) and file (0600) is owner-only afterwards, including the files
 * PGlite creates while it runs (new tables, checkpoints).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../../test/support/tenancyFixtures.js';
import { loadConfig } from '../../entry/config.js';
import { createLedger } from '../../entry/ledger.js';
import { createLogger } from '../observability/logger.js';

const parent = mkdtempSync(join(tmpdir(), 'ledger-permissions-'));
afterAll(() => {
  rmSync(parent, { recursive: true, force: true });
});

/** Every entry below `directory` (itself included) with its permission bits. */
function modes(directory: string): Map<string, number> {
  const found = new Map<string, number>([[directory, statSync(directory).mode & 0o777]]);
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    found.set(path, statSync(path).mode & 0o777);
  }
  return found;
}

describe('embedded store permissions', () => {
  it('with umask 0: an open folder is fixed at start with a log line; every folder is 0700 and every file 0600, also those created later', async () => {
    const dataDir = join(parent, 'data');
    const lines: { msg?: string; fixed?: number }[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line.length > 0)
          .forEach((line) => lines.push(JSON.parse(line) as { msg?: string }));
        callback();
      },
    });
    const previousUmask = process.umask(0);
    try {
      mkdirSync(dataDir, { mode: 0o777 });
      writeFileSync(join(dataDir, 'left-by-an-older-version'), 'x', { mode: 0o666 });
      expect(statSync(dataDir).mode & 0o777).toBe(0o777);
      const ledger = await createLedger(loadConfig({ LEDGER_DATA_DIR: dataDir }), createLogger('info', stream));
      try {
        await createTenant(ledger.context, ['paypay']);
        await ledger.client.exec('CREATE TABLE created_later (n int); INSERT INTO created_later SELECT generate_series(1, 5000); CHECKPOINT;');
      } finally {
        await ledger.close();
      }
    } finally {
      process.umask(previousUmask);
    }
    const fix = lines.find((line) => line.msg?.startsWith('data folder permissions fixed') === true);
    expect(fix?.fixed).toBeGreaterThanOrEqual(2);
    const entries = modes(dataDir);
    expect(entries.size).toBeGreaterThan(100);
    const loose = [...entries].filter(([path, mode]) => mode !== (statSync(path).isDirectory() ? 0o700 : 0o600));
    expect(loose).toEqual([]);
  });
});
