/**
 * QR payments end to end through the provider sandbox (a separate process over real HTTP), at
 * BENCH_TERMINALS concurrent terminals, each in a closed loop: create → confirm → long-poll until
 * the QR is shown → the customer pays at the sandbox → long-poll until the intent is `completed`.
 * Measured: completed QR payments per second, and "customer paid → the terminal sees completed"
 * (p50/p99), once with webhooks and once with every webhook dropped (polling alone). Baseline in the
 * same run, same terminals and ledger: cash payments (create + confirm with tendered cash) per second.
 *
 *   npm run bench:qr          (BENCH_TERMINALS=50, BENCH_SECONDS=20 per phase)
 *
 * stdout: one JSON object (also written to bench/results/qr-<timestamp>.json); stderr: progress.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../infra/adapters/observability/logger.js';
import { seedTenant, TOKYO_0400 } from '../../infra/entry/cli/demoTenant.js';
import { loadConfig } from '../../infra/entry/config.js';
import { freePort } from '../../infra/entry/freePort.js';
import { createLedger } from '../../infra/entry/ledger.js';
import { spawnSandbox } from '../../infra/entry/sandboxChild.js';
import { SandboxClient } from '../../infra/entry/simulation/sandboxClient.js';
import { createPartner, partnerCall, type Answer, type Partner } from '../../infra/entry/simulation/world.js';
import { LatencyRecorder, nowNs, round3, type LatencySummary } from '../shared/latency.js';
import { machineInfo } from '../shared/machine.js';
import { databaseUrl, dropDatabase, recreateDatabase, serverInfo } from '../shared/postgres.js';

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
const terminalsTotal = Number(process.env.BENCH_TERMINALS ?? 50);
const phaseSeconds = Number(process.env.BENCH_SECONDS ?? 20);
const database = `bench_qr_${process.pid}`;
const log = (message: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
};

type Bed = Readonly<{ base: string; partner: Partner; sandbox: SandboxClient; terminals: readonly Readonly<{ storeId: string; terminalId: string }>[] }>;
type PhaseResult = Readonly<{ completed: number; failed: number; perSecond: number; paidToCompleted?: LatencySummary }>;

const call = (bed: Bed, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> => partnerCall(bed.base, bed.partner, () => new Date(), method, path, body);

/** Long-polls the intent until `done` holds; answers its body. */
async function until(bed: Bed, intentId: string, done: (body: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  let answer = await call(bed, 'GET', `/v1/payment_intents/${intentId}`);
  for (let polls = 0; polls < 200; polls += 1) {
    if (answer.status === 200 && done(answer.body)) return answer.body;
    answer = await call(bed, 'GET', `/v1/payment_intents/${intentId}?wait_for_change=${answer.revision ?? '-1'}&timeout_ms=10000`);
  }
  throw new Error(`intent ${intentId} never reached the expected state: ${JSON.stringify(answer.body).slice(0, 300)}`);
}

const qrShown = (body: Record<string, unknown>): boolean => {
  const next = body.next_action as { qr?: unknown } | null | undefined;
  return body.status === 'requires_action' && next?.qr !== null && next?.qr !== undefined;
};

async function qrPayment(bed: Bed, place: Bed['terminals'][number], latency: LatencyRecorder): Promise<boolean> {
  const created = await call(bed, 'POST', '/v1/payment_intents', {
    amount: 1_100,
    mode: 'pgw_processed',
    provider: 'paypay',
    store_id: place.storeId,
    terminal_id: place.terminalId,
  });
  if (created.status !== 201) return false;
  const intentId = String(created.body.id);
  const confirmed = await call(bed, 'POST', `/v1/payment_intents/${intentId}/confirm`, { payment_method: { type: 'qr' } });
  const attemptId = (confirmed.body.next_action as { attempt_id?: string } | null | undefined)?.attempt_id;
  if (confirmed.status !== 200 || attemptId === undefined) return false;
  await until(bed, intentId, qrShown);
  const paidAt = nowNs();
  if ((await bed.sandbox.drive(attemptId, 'pay')) !== 200) return false;
  const final = await until(bed, intentId, (body) => body.status !== 'requires_action' && body.status !== 'processing');
  latency.record(nowNs() - paidAt);
  return final.status === 'completed';
}

async function cashPayment(bed: Bed, place: Bed['terminals'][number]): Promise<boolean> {
  const created = await call(bed, 'POST', '/v1/payment_intents', { amount: 1_100, mode: 'manual', store_id: place.storeId, terminal_id: place.terminalId });
  if (created.status !== 201) return false;
  const confirmed = await call(bed, 'POST', `/v1/payment_intents/${String(created.body.id)}/confirm`, { payment_method: { type: 'cash', tendered: 2_000 } });
  return confirmed.status === 200 && confirmed.body.status === 'completed';
}

/** Every terminal in a closed loop for `phaseSeconds`. */
async function phase(name: string, bed: Bed, one: (place: Bed['terminals'][number]) => Promise<boolean>): Promise<Omit<PhaseResult, 'paidToCompleted'>> {
  log(`${name}: ${bed.terminals.length} terminals for ${phaseSeconds} s`);
  const endAt = Date.now() + phaseSeconds * 1_000;
  const started = performance.now();
  let completed = 0;
  let failed = 0;
  await Promise.all(
    bed.terminals.map(async (place) => {
      while (Date.now() < endAt) {
        const ok = await one(place).catch(() => false);
        if (ok) completed += 1;
        else failed += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  return { completed, failed, perSecond: round3(completed / seconds) };
}

async function openBed(): Promise<Readonly<{ bed: Bed; close: () => Promise<void> }>> {
  await recreateDatabase(database);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const running = await spawnSandbox({ port: 0, webhookUrl: `${base}/v1/providers/paypay/webhooks` });
  const operatorSecret = `bench-operator-${randomUUID()}`;
  const config = loadConfig({ DATABASE_URL: databaseUrl(database), LOG_LEVEL: 'silent', LEDGER_OPERATOR_SECRET: operatorSecret, LEDGER_PAYPAY_BASE_URL: running.url });
  const ledger = await createLedger(config, createLogger('silent'));
  await ledger.app.listen({ host: '127.0.0.1', port });
  const sandbox = new SandboxClient(running.url);
  const credentials = { api_key: 'bench-key', api_secret: 'bench-secret', merchant_id: 'bench-merchant' };
  await sandbox.registerCredentials(credentials);
  const partner = await createPartner(base, operatorSecret, 0);
  const stores = Math.ceil(terminalsTotal / 10);
  const tenant = await seedTenant(base, partner, {
    legalName: 'Bench KK',
    displayName: 'Bench',
    stores: Array.from({ length: stores }, (_, index) => ({
      name: `Bench store ${index + 1}`,
      ...TOKYO_0400,
      providers: [{ provider_code: 'paypay' as const, fee_rate_ppm: 16_000, fixed_fee_minor: 0, credentials }],
      terminals: 10,
    })),
  });
  const terminals = tenant.terminals.slice(0, terminalsTotal).map((terminal) => ({ storeId: terminal.storeId, terminalId: terminal.id }));
  return {
    bed: { base, partner, sandbox, terminals },
    close: async () => {
      await ledger.close();
      await running.stop();
      await dropDatabase(database);
    },
  };
}

async function main(): Promise<void> {
  const { bed, close } = await openBed();
  try {
    const cash = await phase('baseline: cash payments', bed, (place) => cashPayment(bed, place));
    const withWebhooks = new LatencyRecorder();
    const webhooks = await phase('QR with webhooks', bed, (place) => qrPayment(bed, place, withWebhooks));
    await bed.sandbox.addFault({ operation: 'webhook', fault: 'drop', times: 10_000, match: {} });
    const pollingOnly = new LatencyRecorder();
    const polling = await phase('QR, every webhook dropped (polling alone)', bed, (place) => qrPayment(bed, place, pollingOnly));
    const result = {
      bench: 'qr',
      at: new Date().toISOString(),
      machine: machineInfo(),
      postgres: await serverInfo(),
      terminals: bed.terminals.length,
      phaseSeconds,
      baselineCash: cash,
      qrWithWebhooks: { ...webhooks, paidToCompleted: withWebhooks.summary() },
      qrPollingOnly: { ...polling, paidToCompleted: pollingOnly.summary() },
      ratioQrToCash: round3(webhooks.perSecond / cash.perSecond),
      targets: {
        webhookP99Under500Ms: withWebhooks.summary().p99Ms < 500,
        pollingP99Under3500Ms: pollingOnly.summary().p99Ms < 3_500,
      },
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `qr-${result.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    log(`written ${file}`);
  } finally {
    await close();
  }
}

await main();
