/**
 * The process as a user meets it: `npm start`'s entry point with no configuration serves
 * health and readiness on the embedded store; with DATABASE_URL it uses the server; every log
 * line written inside a request carries `service`, `trace_id` and `span_id`, continuing the
 * caller's `traceparent`; unknown routes answer problem details, never a stack trace.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../../test/support/database.js';
import { loadConfig } from './config.js';
import { createLedger } from './ledger.js';
import { createLogger } from '../adapters/observability/logger.js';
import { installTracing } from '../adapters/observability/tracing.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const folders: string[] = [];
afterAll(() => {
  folders.forEach((folder) => {
    rmSync(folder, { recursive: true, force: true });
  });
});

function captureLogs(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .forEach((line) => lines.push(JSON.parse(line) as Record<string, unknown>));
      callback();
    },
  });
  return { lines, stream };
}

describe('the ledger process on PostgreSQL (DATABASE_URL)', () => {
  it('serves health and readiness and logs with trace ids', async () => {
    installTracing();
    const { lines, stream } = captureLogs();
    // At debug: a successful request's own lines ("request completed") are debug lines (logger.ts).
    const ledger = await createLedger(loadConfig({ DATABASE_URL: testDatabaseUrl() }), createLogger('debug', stream));
    try {
      expect((await ledger.app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
      const ready = await ledger.app.inject({ url: '/ready', headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` } });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'ready', store: 'postgres' });
      expect(ready.headers['trace-id']).toBe(TRACE_ID);
      const completed = lines.find((line) => line.msg === 'request completed' && line.trace_id === TRACE_ID);
      expect(completed).toMatchObject({ service: 'mpac-ledger', span_id: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown });
      const missing = await ledger.app.inject({ url: '/v1/nothing' });
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toContain('application/problem+json');
      expect(missing.json()).toMatchObject({ code: 'route_not_found', status: 404 });
    } finally {
      await ledger.close();
    }
  });

  it('rejects a malformed configuration with a clear message', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
});

describe('npm start with no configuration', () => {
  it('runs on the embedded store in its data folder and stops cleanly on SIGTERM', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ledger-start-'));
    folders.push(folder);
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/entry/main.ts'], {
      env: { PATH: process.env.PATH ?? '', LEDGER_DATA_DIR: join(folder, 'data'), PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await expect.poll(() => /listening on (http:\/\/[^"\s]+)/.exec(output)?.[1], { timeout: 60_000, interval: 100 }).toBeDefined();
    const address = /listening on (http:\/\/[^"\s]+)/.exec(output)?.[1] ?? '';
    const ready = await fetch(`${address}/ready`);
    expect(await ready.json()).toMatchObject({ status: 'ready', store: 'pglite' });
    // The first start says what it is doing while it creates the cluster and applies migrations.
    expect(output).toContain(`"msg":"initialising the embedded database in ${join(folder, 'data')}`);
    expect(output).toMatch(/"msg":"applying migration 0001_event_store …"/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"stopped"');
  });
});
