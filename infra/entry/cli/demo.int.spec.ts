/**
 * `npm run demo` writes where `call` will look (issue 9 item 6): with a ledger answering at
 * LEDGER_URL it goes through that server — never silently into an embedded store of its own — and
 * says so; a second run reuses the tenant that server still knows instead of creating another
 * merchant; credentials the server does not know are set aside, said so, and replaced.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLedger, type TestLedger } from '../../../test/support/testLedger.js';
import { readCredentials, writeCredentials } from './demoFiles.js';
import { sendAsPartner } from './ledgerClient.js';

const OPERATOR_SECRET = 'operator-secret-for-the-demo-spec-0123456789ab';

type Run = Readonly<{ code: number | null; stdout: string; stderr: string }>;

function runDemo(environment: Readonly<Record<string, string>>): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/entry/cli/demo.ts'], {
    env: { PATH: process.env.PATH ?? '', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    }),
  );
}

let harness: TestLedger;
let baseUrl: string;
let folder: string;
let environment: Record<string, string>;

beforeAll(async () => {
  harness = await startTestLedger({ LEDGER_OPERATOR_SECRET: OPERATOR_SECRET });
  baseUrl = await harness.ledger.app.listen({ host: '127.0.0.1', port: 0 });
  folder = mkdtempSync(join(tmpdir(), 'ledger-demo-'));
  // No DATABASE_URL: the old demo opened this (free) embedded folder and wrote there instead.
  environment = { LEDGER_URL: baseUrl, LEDGER_OPERATOR_SECRET: OPERATOR_SECRET, LEDGER_DATA_DIR: join(folder, 'data'), LEDGER_DEMO_DIR: join(folder, 'demo') };
});
afterAll(async () => {
  await harness.close();
  rmSync(folder, { recursive: true, force: true });
});

async function merchantStatus(): Promise<number> {
  const credentials = readCredentials(join(folder, 'demo'));
  if (credentials === undefined) throw new Error('no credentials.json');
  const partner = { clientPartnerId: credentials.client_partner.id, secret: credentials.client_partner.secret };
  return (await sendAsPartner(baseUrl, partner, { method: 'GET', path: `/v1/merchants/${credentials.merchant_id}` })).status;
}

describe('npm run demo with a ledger answering at LEDGER_URL', () => {
  it('writes through that server, says so, and opens no store of its own', async () => {
    const run = await runDemo(environment);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Writing to the running ledger at ${baseUrl} (store: postgres)`);
    expect(run.stdout).toContain('Written over HTTP');
    expect(await merchantStatus()).toBe(200);
    expect(existsSync(join(folder, 'data', 'PG_VERSION'))).toBe(false);
  });

  it('a second run reuses the tenant the server knows: no second merchant', async () => {
    const before = readCredentials(join(folder, 'demo'));
    const events = await harness.eventCount();
    const run = await runDemo(environment);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Reusing the demo tenant');
    expect(readCredentials(join(folder, 'demo'))?.merchant_id).toBe(before?.merchant_id);
    expect(await harness.eventCount()).toBe(events);
  });

  it('credentials the server does not know are set aside, said so, and replaced by a new tenant', async () => {
    const directory = join(folder, 'demo');
    const before = readCredentials(directory);
    if (before === undefined) throw new Error('no credentials.json');
    writeCredentials(directory, { ...before, client_partner: { ...before.client_partner, id: 'cp_01J00000000000000000000000' } });
    const run = await runDemo(environment);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('is not valid on this ledger');
    expect(readdirSync(directory).some((file) => file.startsWith('credentials.replaced-'))).toBe(true);
    expect(readCredentials(directory)?.merchant_id).not.toBe(before.merchant_id);
    expect(await merchantStatus()).toBe(200);
  });
});

describe('npm run demo with no ledger answering', () => {
  it('opens the embedded store itself and says so', async () => {
    const alone = mkdtempSync(join(tmpdir(), 'ledger-demo-alone-'));
    try {
      const run = await runDemo({ LEDGER_URL: 'http://127.0.0.1:1', LEDGER_DATA_DIR: join(alone, 'data'), LEDGER_DEMO_DIR: join(alone, 'demo') });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Writing to the embedded store in ${join(alone, 'data')}, opened by this process (no ledger answered at http://127.0.0.1:1`);
      expect(run.stdout).toContain('Written directly into the embedded store');
      expect(existsSync(join(alone, 'data', 'PG_VERSION'))).toBe(true);
      expect(readCredentials(join(alone, 'demo'))?.terminals).toHaveLength(2);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });
});
