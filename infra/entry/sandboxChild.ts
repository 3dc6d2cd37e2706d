/**
 * `npm start` on the embedded default makes QR payments work out of the box: with no provider URL
 * configured (LEDGER_PAYPAY_BASE_URL) and LEDGER_PROVIDER_SANDBOX=auto, it starts the provider
 * sandbox (sandbox/, a separate process speaking PayPay's wire format, docs/providers.md) on
 * LEDGER_PROVIDER_SANDBOX_PORT, points its webhooks at this ledger, and uses it as the provider. A
 * sandbox already answering on that port is reused. The child stops with the ledger.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import type { LedgerConfig } from './config.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 30_000;

export type SandboxChild = Readonly<{ config: LedgerConfig; stop: () => Promise<void> }>;

const withEndpoints = (config: LedgerConfig, base: string): LedgerConfig => ({
  ...config,
  providers: { ...config.providers, endpoints: { paypay: base, line_pay: `${base}/line_pay`, ...config.providers.endpoints } },
});

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** Starts (or reuses) the sandbox when the configuration asks for it; otherwise returns the configuration unchanged. */
export async function startSandboxIfWanted(config: LedgerConfig, logger: FastifyBaseLogger): Promise<SandboxChild> {
  const wanted = config.database.kind === 'pglite' && config.providers.sandbox === 'auto' && config.providers.endpoints.paypay === undefined;
  if (!wanted) return { config, stop: () => Promise.resolve() };
  const base = `http://127.0.0.1:${config.providers.sandboxPort}`;
  if (await answers(base)) {
    logger.info({ sandbox: base }, `provider sandbox already answering at ${base}: using it`);
    return { config: withEndpoints(config, base), stop: () => Promise.resolve() };
  }
  let sandbox: RunningSandbox;
  try {
    sandbox = await spawnSandbox({ port: config.providers.sandboxPort, webhookUrl: `http://127.0.0.1:${config.http.port}/v1/providers/paypay/webhooks` });
  } catch (error) {
    // The ledger runs without it: QR attempts wait (their tasks retry) until a provider is configured.
    logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      `the provider sandbox could not start on port ${config.providers.sandboxPort}: QR payments wait for a provider (set LEDGER_PROVIDER_SANDBOX_PORT or LEDGER_PAYPAY_BASE_URL)`,
    );
    return { config, stop: () => Promise.resolve() };
  }
  logger.info({ sandbox: sandbox.url, pid: sandbox.pid }, `provider sandbox started at ${sandbox.url} (PayPay's wire format; npm run -s call -- customer-pays @last pays a QR)`);
  return { config: withEndpoints(config, sandbox.url), stop: sandbox.stop };
}

export type SandboxOptions = Readonly<{ port: number; webhookUrl: string; environment?: Readonly<Record<string, string>> }>;

export type RunningSandbox = Readonly<{ url: string; pid: number | undefined; stop: () => Promise<void> }>;

/** Starts the sandbox as a child process (port 0: any free port) and resolves once it says it listens, with its URL. */
export async function spawnSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, SANDBOX_PORT: String(options.port), SANDBOX_HOST: '127.0.0.1', SANDBOX_WEBHOOK_URL: options.webhookUrl, ...options.environment },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await waitForReady(child);
  return { url, pid: child.pid, stop: () => stopChild(child) };
}

const READY_LINE = /"msg":"sandbox listening"[^\n]*?"url":"([^"]+)"|"url":"([^"]+)"[^\n]*?"msg":"sandbox listening"/;

function waitForReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`the provider sandbox did not start within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = READY_LINE.exec(buffered);
      const url = match?.[1] ?? match?.[2];
      if (url !== undefined) {
        clearTimeout(timer);
        // Its later log lines are not needed here: keep draining them without holding on to them.
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve(url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      reject(new Error(`the provider sandbox exited with code ${String(code)} before it was ready (is port in use? set LEDGER_PROVIDER_SANDBOX_PORT)`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
}
