/**
 * A real Prometheus server (Debian's `prometheus` package, /usr/bin/prometheus) for tests: started
 * on a free loopback port with a 1 s scrape of one target, stopped (by its own pid) at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '../support/kafka/kafkaTestKit.js';

export const PROMETHEUS_BINARY = process.env.PROMETHEUS_BINARY ?? '/usr/bin/prometheus';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export type PrometheusServer = Readonly<{
  url: string;
  /** The first sample of an instant query, or undefined when the result is empty. */
  query: (promql: string) => Promise<number | undefined>;
  targetHealth: () => Promise<string | undefined>;
  stop: () => Promise<void>;
}>;

type Target = { health: string; labels: Record<string, string> };

export async function startPrometheus(target: Readonly<{ address: string; bearer: string }>): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-prometheus-'));
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    '  - job_name: ledger',
    '    authorization:',
    '      type: Bearer',
    `      credentials: ${JSON.stringify(target.bearer)}`,
    '    static_configs:',
    `      - targets: [${JSON.stringify(target.address)}]`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const child: ChildProcess = spawn(
    PROMETHEUS_BINARY,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    if (!response.ok) throw new Error(`prometheus ${path}: ${response.status}`);
    return ((await response.json()) as { data: T }).data;
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true, 20_000, `prometheus ready (${stderr})`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    async query(promql) {
      const data = await api<{ result: { value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(promql)}`);
      const value = data.result[0]?.value[1];
      return value === undefined ? undefined : Number(value);
    },
    async targetHealth() {
      const data = await api<{ activeTargets: Target[] }>('/api/v1/targets?state=active');
      return data.activeTargets.find((active) => active.labels.job === 'ledger')?.health;
    },
    stop,
  };
}
