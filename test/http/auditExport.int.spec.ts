/**
 * The audit CLI (`npm run audit -- …`, run as a child process) on a database of its own: export a
 * bundle, verify it with no database, a one-byte change anywhere in an event line fails naming that
 * event, a range export verifies from its anchors, `verify` passes, and `replay` rebuilds every
 * read model identical to the serving one — and names the first differing row once a served row is
 * changed behind the projector's back.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../infra/entry/audit/auditBundle.js';
import { dropDatabase, recreateDatabase, TEST_DATABASE, testDatabaseUrl } from '../support/database.js';
import { startTestLedger, type TestLedger } from '../support/testLedger.js';

const run = promisify(execFile);
const DATABASE = `${TEST_DATABASE}_audit_export`;
const folder = mkdtempSync(join(tmpdir(), 'ledger-audit-'));
let harness: TestLedger;

type CliResult = Readonly<{ code: number; summary: Record<string, unknown>; stderr: string }>;

async function audit(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'infra/entry/cli/audit.ts', ...args], {
      env: { ...process.env, DATABASE_URL: testDatabaseUrl(DATABASE) },
      timeout: 120_000,
    });
    return { code: 0, summary: JSON.parse(stdout) as Record<string, unknown>, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, summary: failed.stdout === '' ? {} : (JSON.parse(failed.stdout) as Record<string, unknown>), stderr: failed.stderr };
  }
}

beforeAll(async () => {
  await recreateDatabase(DATABASE);
  harness = await startTestLedger({ DATABASE_URL: testDatabaseUrl(DATABASE) });
  const tenant = await harness.tenant();
  const terminal = await harness.asTerminal(tenant);
  for (const amount of [700, 1800, 2900, 4100]) {
    const created = await terminal.post('/v1/payment_intents', { amount, mode: 'manual' });
    const id = created.json<{ id: string }>().id;
    if (amount !== 4100) expect((await terminal.post(`/v1/payment_intents/${id}/confirm`, { payment_method: { type: 'cash', tendered: 5000 } })).statusCode).toBe(200);
  }
  await harness.ledger.projections.caughtUp();
});
afterAll(async () => {
  await harness.close();
  await dropDatabase(DATABASE);
  rmSync(folder, { recursive: true, force: true });
});

type Line = { id: string; position: string; stream: string };
const eventLines = (file: string): string[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{"position"'));

describe('export and verify-export', () => {
  const bundle = join(folder, 'audit.ndjson');

  it('exports the whole log and verifies the bundle with no database', async () => {
    const exported = await audit('export', '--out', bundle);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.summary.events).toBe(await harness.eventCount());
    const verified = await audit('verify-export', bundle);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.summary).toMatchObject({ ok: true, events: await harness.eventCount(), problem: null });
    const manifest = JSON.parse(readFileSync(bundle, 'utf8').trim().split('\n').at(-1) ?? '{}') as { kind: string; read_models: { projection: string }[] };
    expect(manifest.kind).toBe('manifest');
    expect(manifest.read_models.map((digest) => digest.projection)).toEqual(['journal', 'payment_intents', 'provider_tasks', 'sales', 'settlement']);
  });

  it('fails naming the exact event when one byte of its line changes (data, stream, position, hash, line hash)', async () => {
    const original = readFileSync(bundle, 'utf8');
    const lines = eventLines(bundle);
    const target = lines.findIndex((line) => line.includes('"type":"CashPaymentReceived"'));
    expect(target).toBeGreaterThan(0);
    const line = lines[target] ?? '';
    const event = JSON.parse(line) as Line;
    const offsets = [/"amountMinor":(\d)/, /"stream":"PaymentIntent-p(i)/, /"position":"(\d)/, /"hash":"([0-9a-f])/, /"line_hash":"([0-9a-f])/].map((pattern) => {
      const match = pattern.exec(line);
      if (match?.[1] === undefined) throw new Error(`no ${pattern.source} in ${line}`);
      return match.index + match[0].length - 1;
    });
    const lineStart = original.indexOf(line);
    for (const offset of offsets) {
      const at = lineStart + offset;
      const byte = original.charAt(at);
      const changed = original.slice(0, at) + (byte === '1' ? '2' : byte === 'i' ? 'j' : byte === 'a' ? 'b' : '1') + original.slice(at + 1);
      const tampered = join(folder, `tampered-${offset}.ndjson`);
      writeFileSync(tampered, changed);
      const report = await verifyBundle(tampered);
      expect({ offset, ok: report.ok, event: report.problem?.event_id, line: report.problem?.line }).toEqual({ offset, ok: false, event: event.id, line: target + 1 });
    }
    const cli = await audit('verify-export', join(folder, `tampered-${offsets[0] ?? 0}.ndjson`));
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`event ${event.id}`);
  });

  it('fails when an event line is removed, or the manifest heads are changed', async () => {
    const original = readFileSync(bundle, 'utf8').split('\n');
    const removedIndex = original.findIndex((line) => line.includes('"type":"CashPaymentReceived"'));
    const removed = join(folder, 'removed.ndjson');
    writeFileSync(removed, original.filter((_, index) => index !== removedIndex).join('\n'));
    expect((await verifyBundle(removed)).ok).toBe(false);
    const manifestIndex = original.findIndex((line) => line.startsWith('{"kind":"manifest"'));
    const manifest = JSON.parse(original[manifestIndex] ?? '{}') as { heads: Record<string, { revision: number; hash: string }> };
    const stream = Object.keys(manifest.heads)[0] ?? '';
    manifest.heads[stream] = { revision: (manifest.heads[stream]?.revision ?? 0) + 1, hash: manifest.heads[stream]?.hash ?? '' };
    const forgedHead = join(folder, 'forged-head.ndjson');
    writeFileSync(forgedHead, original.map((line, index) => (index === manifestIndex ? JSON.stringify(manifest) : line)).join('\n'));
    const report = await verifyBundle(forgedHead);
    expect(report.ok).toBe(false);
    expect(report.problem?.reason).toContain(stream);
  });

  it('exports a range after a position; the bundle verifies from its anchors', async () => {
    const lines = eventLines(bundle).map((line) => JSON.parse(line) as Line);
    const from = lines[Math.floor(lines.length / 2)]?.position ?? '';
    const ranged = join(folder, 'range.ndjson');
    const exported = await audit('export', '--from', from, '--out', ranged);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.summary.events).toBe(lines.length - Math.floor(lines.length / 2) - 1);
    expect(await verifyBundle(ranged)).toMatchObject({ ok: true, events: exported.summary.events });
  });
});

describe('verify and replay', () => {
  it('verifies the log and replays every read model identical to the serving one', async () => {
    const verified = await audit('verify');
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.summary).toMatchObject({ ok: true, events_checked: await harness.eventCount() });
    const replayed = await audit('replay');
    expect(replayed.code, JSON.stringify(replayed.summary)).toBe(0);
    expect(replayed.summary.identical).toBe(true);
    expect((replayed.summary.projections as unknown[]).length).toBe(4);
  });

  it('names the first differing row when a served row was changed behind the projector', async () => {
    const [serving] = await harness.ledger.client.query<{ schema_name: string }>(
      "SELECT schema_name FROM projection_generations WHERE projection_name = 'payment_intents' AND state = 'serving'",
    );
    await harness.ledger.client.query(`UPDATE ${serving?.schema_name ?? ''}.payment_intents SET status = 'canceled' WHERE status = 'pending'`);
    const replayed = await audit('replay');
    expect(replayed.code).toBe(1);
    const intents = (replayed.summary.projections as { projection: string; identical: boolean; tables: { table: string; identical: boolean; first_difference?: string }[] }[]).find(
      (result) => result.projection === 'payment_intents',
    );
    expect(intents?.identical).toBe(false);
    const table = intents?.tables.find((entry) => entry.table === 'payment_intents');
    expect(table?.first_difference).toMatch(/^(serving|replayed): \(/);
    expect(table?.first_difference).toContain('canceled');
  });
});
