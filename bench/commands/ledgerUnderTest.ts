import { join } from 'node:path';
import { createHttpClient, type HttpClient } from '../shared/httpClient.js';
import { startServer, type ServerProcess } from './children.js';

/**
 * The ledger as the benches run it: one process with every role (`apiProcesses` = 1), or
 * `apiProcesses` processes with LEDGER_ROLES=api plus one with the singleton roles
 * (projector, relay, reactor), all on one database (docs/scale-out.md). The client spreads
 * requests over the API processes in turn, as a load balancer would.
 */
export type LedgerUnderTest = Readonly<{
  /** The first API process (setup goes there). */
  baseUrl: string;
  /** Every process of the ledger (their CPU is summed). */
  pids: readonly number[];
  client: HttpClient;
  /** Each process's GET /metrics (needs LEDGER_METRICS_ACCESS=loopback). */
  metricsUrls: readonly string[];
  stop: () => Promise<void>;
}>;

export type LedgerStartOptions = Readonly<{
  root: string;
  apiProcesses: number;
  /** The first process's port; the others take the next ones. */
  port: number;
  concurrency: number;
  requestTimeoutMs: number;
  nodeArguments: readonly string[];
  environment: Readonly<Record<string, string>>;
}>;

export async function startLedgerUnderTest(options: LedgerStartOptions): Promise<LedgerUnderTest> {
  const start = (index: number, roles: string | undefined): Promise<ServerProcess> =>
    startServer({
      label: roles === undefined ? 'ledger' : `ledger ${index} (${roles})`,
      script: join(options.root, 'infra', 'entry', 'main.ts'),
      nodeArguments: options.nodeArguments,
      port: options.port + index,
      environment: { ...options.environment, ...(roles === undefined ? {} : { LEDGER_ROLES: roles }) },
      readyPath: '/ready',
      readyTimeoutMs: 90_000,
    });
  const servers: ServerProcess[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    if (options.apiProcesses <= 1) servers.push(await start(0, undefined));
    else {
      // The first start applies the migrations; the rest start together.
      servers.push(await start(0, 'api'));
      const rest = Array.from({ length: options.apiProcesses - 1 }, (_, index) => start(index + 1, 'api'));
      servers.push(...(await Promise.all([...rest, start(options.apiProcesses, 'projector,relay,reactor')])));
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  const apis = options.apiProcesses <= 1 ? servers : servers.slice(0, options.apiProcesses);
  const perProcess = Math.max(1, Math.ceil(options.concurrency / apis.length));
  const clients = apis.map((server) => createHttpClient({ baseUrl: server.baseUrl, connections: perProcess, requestTimeoutMs: options.requestTimeoutMs }));
  let next = 0;
  const client: HttpClient = {
    request: (method, path, headers, body) => {
      const chosen = clients[next % clients.length];
      next += 1;
      if (chosen === undefined) throw new Error('no API process');
      return chosen.request(method, path, headers, body);
    },
    close: () => {
      clients.forEach((each) => {
        each.close();
      });
    },
  };
  return {
    baseUrl: servers[0]?.baseUrl ?? '',
    pids: servers.map((server) => server.pid),
    client,
    metricsUrls: servers.map((server) => `${server.baseUrl}/metrics`),
    stop: async () => {
      client.close();
      await stopAll();
    },
  };
}
