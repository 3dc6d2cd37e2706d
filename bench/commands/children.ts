import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * Servers under test run as child processes (`node --import tsx <script>`), so the load generator
 * never shares their event loop. Output is kept (the last 64 KiB) to explain a failed start.
 */
export type ServerProcess = Readonly<{
  pid: number;
  baseUrl: string;
  /** The tail of the child's stdout and stderr. */
  output: () => string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop: (graceMs?: number) => Promise<void>;
}>;

export type ServerSpec = Readonly<{
  label: string;
  script: string;
  /** Extra node flags, e.g. `--cpu-prof` (the profile is written when the child exits on SIGTERM). */
  nodeArguments?: readonly string[];
  port: number;
  environment: Readonly<Record<string, string>>;
  /** Answers 200 once the server can take load. */
  readyPath: string;
  readyTimeoutMs: number;
}>;

const OUTPUT_KEPT_BYTES = 64 * 1024;
const READY_POLL_MS = 200;

/**
 * Starts the child and waits until `readyPath` answers 200.
 *
 * @example const ledger = await startServer({ label: 'ledger', script: 'infra/entry/main.ts', port: 3211, environment: { DATABASE_URL }, readyPath: '/ready', readyTimeoutMs: 60_000 });
 */
export async function startServer(spec: ServerSpec): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...(spec.nodeArguments ?? []), '--import', 'tsx', spec.script], {
    env: { ...process.env, ...spec.environment, PORT: String(spec.port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT_BYTES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const baseUrl = `http://127.0.0.1:${spec.port}`;
  const server: ServerProcess = {
    pid: child.pid ?? -1,
    baseUrl,
    output: () => output,
    stop: (graceMs = 15_000) => stopChild(child, graceMs),
  };
  try {
    await waitUntilReady(child, `${baseUrl}${spec.readyPath}`, spec.readyTimeoutMs);
  } catch (error) {
    await server.stop(2_000);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${spec.label} did not become ready: ${reason}\n--- its output ---\n${output.slice(-4_000)}`);
  }
  return server;
}

async function waitUntilReady(child: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`it exited (${child.exitCode ?? child.signalCode ?? '?'})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
