/**
 * `npm run -s call` as a newcomer meets it (issue 9 item 9), run as a process: `--help` prints the
 * usage; a ledger that does not answer is one line naming the URL tried and LEDGER_URL; a broken
 * credentials file is one line, never a stack trace; `register-terminal` makes a key pair,
 * registers the terminal and the saved key then works for `--as terminal:<n>`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLedger, type TestLedger } from '../../../test/support/testLedger.js';
import type { TenantFixture } from '../../../test/support/tenancyFixtures.js';
import { readCredentials, writeCredentials } from './demoFiles.js';

type Run = Readonly<{ code: number | null; stdout: string; stderr: string }>;

function runCall(args: readonly string[], environment: Readonly<Record<string, string>>): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/entry/cli/call.ts', ...args], {
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

const folders: string[] = [];
let harness: TestLedger;
let baseUrl: string;
let tenant: TenantFixture;

function demoFolderFor(fixture: TenantFixture): string {
  const folder = mkdtempSync(join(tmpdir(), 'ledger-call-'));
  folders.push(folder);
  const keyFile = join(folder, `${fixture.terminalId}.pem`);
  writeFileSync(keyFile, fixture.terminalKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  writeCredentials(folder, {
    client_partner: { id: fixture.clientPartnerId, name: 'Test Partner', secret: fixture.secret },
    merchant_id: fixture.merchantId,
    stores: [{ id: fixture.storeId, name: 'Shibuya', provider_config_ids: [] }],
    terminals: [{ id: fixture.terminalId, store_id: fixture.storeId, private_key_file: keyFile }],
    created_at: new Date().toISOString(),
  });
  return folder;
}

beforeAll(async () => {
  harness = await startTestLedger();
  baseUrl = await harness.ledger.app.listen({ host: '127.0.0.1', port: 0 });
  tenant = await harness.tenant();
});
afterAll(async () => {
  await harness.close();
  folders.forEach((folder) => {
    rmSync(folder, { recursive: true, force: true });
  });
});

const noStackTrace = (text: string): boolean => !/^\s+at /m.test(text);

describe('npm run -s call', () => {
  it('--help prints the usage and exits 0', async () => {
    const run = await runCall(['--help'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('usage: npm run -s call --');
    expect(run.stdout).toContain('register-terminal --store');
    expect(run.stderr).toBe('');
  });

  it('a ledger that does not answer is one line naming the URL tried and LEDGER_URL', async () => {
    const run = await runCall(['--as', 'partner', 'GET', '/ready'], { LEDGER_DEMO_DIR: demoFolderFor(tenant), LEDGER_URL: 'http://127.0.0.1:1' });
    expect(run.code).toBe(2);
    // After the `> GET /ready as …` progress line, the failure is one line.
    expect(
      run.stderr
        .trim()
        .split('\n')
        .filter((line) => !line.startsWith('> ')),
    ).toHaveLength(1);
    expect(run.stderr).toContain('http://127.0.0.1:1');
    expect(run.stderr).toContain('LEDGER_URL');
    expect(noStackTrace(run.stderr)).toBe(true);
  });

  it('a broken credentials file is one clear line and exit 1, not a stack trace', async () => {
    const folder = demoFolderFor(tenant);
    writeFileSync(join(folder, 'credentials.json'), '{"client_partner":{}}\n');
    const run = await runCall(['--as', 'partner', 'GET', '/ready'], { LEDGER_DEMO_DIR: folder, LEDGER_URL: baseUrl });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('credentials.json');
    expect(noStackTrace(run.stderr)).toBe(true);
  });

  it('register-terminal makes a key pair, registers the terminal and the key then signs for it', async () => {
    const folder = demoFolderFor(tenant);
    const environment = { LEDGER_DEMO_DIR: folder, LEDGER_URL: baseUrl };
    const registered = await runCall(['register-terminal', '--store', '@store1', '--name', 'till 2'], environment);
    expect(registered.stderr).toBe('');
    expect(registered.code).toBe(0);
    const terminalId = /terminal\s+(trm_[0-9A-Z]{26})/.exec(registered.stdout)?.[1];
    expect(terminalId).toBeDefined();
    expect(registered.stdout).toContain(`${baseUrl}/v1/terminal_tokens`);
    const credentials = readCredentials(folder);
    const saved = credentials?.terminals.find((terminal) => terminal.id === terminalId);
    expect(saved).toMatchObject({ store_id: tenant.storeId, name: 'till 2' });
    const keyFile = saved?.private_key_file ?? '';
    expect(registered.stdout).toContain(keyFile);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toContain('BEGIN PRIVATE KEY');
    const paid = await runCall(['--as', 'terminal:2', 'POST', '/v1/payment_intents', '{"amount":500,"mode":"manual"}'], environment);
    expect(paid.stderr).toContain(`as terminal ${terminalId ?? ''}`);
    expect(paid.stdout).toMatch(/^HTTP 201/);
    expect(paid.code).toBe(0);
  });
});
