import { spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * The ledger as `npm start` runs it (`infra/entry/main.ts` in a process of its own), on a port the
 * system picks; its address is read from its "listening on" line. For tests that need several
 * processes against one database (LEDGER_ROLES).
 */
export type LedgerProcess = Readonly<{
  baseUrl: string;
  /** Everything the process wrote (JSON log lines). */
  output: () => string;
  /** SIGTERM; resolves with the exit code once it has exited. */
  stop: () => Promise<number | null>;
}>;

const LISTENING = /listening on (http:\/\/[^"\s]+)/;

/**
 * @example const api = await startLedgerProcess({ DATABASE_URL: testDatabaseUrl(), LEDGER_ROLES: 'api' });
 */
export async function startLedgerProcess(environment: Readonly<Record<string, string>>, startTimeoutMs = 60_000): Promise<LedgerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/entry/main.ts'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', LEDGER_PROVIDER_SANDBOX: 'off', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    const address = LISTENING.exec(output)?.[1];
    if (address !== undefined) return { baseUrl: address, output: () => output, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the ledger process did not start listening (exit ${child.exitCode ?? 'none'}):\n${output.slice(-3_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
