import { CpuMeter, cpuSecondsBetween, snapshotCpu } from '../shared/machine.js';
import type { StatsProbe } from '../shared/postgres.js';

/**
 * Where the CPU went over a measured window: the server child, the PostgreSQL backends connected
 * to its database (WAL writer and checkpointer not included), and this load-generating process,
 * in total and per successful request. Less noisy than throughput on a shared two-core machine.
 */
export type CpuReport = Readonly<{
  serverCpuS: number;
  postgresBackendsCpuS: number;
  loadGeneratorCpuPct: number | null;
  machineBusyPct: number | null;
  /** CPU milliseconds per successful request. */
  perRequestMs: Readonly<{ server: number; postgresBackends: number; loadGenerator: number | null }>;
}>;

/**
 * @example const cpu = new WindowCpu([server.pid], probe, database); cpu.start(); …; cpu.stop(); cpu.report(requests);
 */
export class WindowCpu {
  private readonly meter = new CpuMeter();
  private serverStart: Map<number, number> = new Map();
  private serverEnd: Map<number, number> = new Map();
  private backendsStart: Map<number, number> = new Map();
  private backendsEnd: Map<number, number> = new Map();
  private pending: Promise<void> = Promise.resolve();

  private readonly serverPids: readonly number[];

  /** `server`: the pid of the server under test, or of each of its processes (their CPU is summed). */
  constructor(
    server: number | readonly number[],
    private readonly probe: StatsProbe,
    private readonly database: string,
  ) {
    this.serverPids = typeof server === 'number' ? [server] : server;
  }

  /** Called when the window opens (synchronously; the backend list is read right after). */
  start(): void {
    this.meter.start();
    this.serverStart = snapshotCpu(this.serverPids);
    this.pending = this.probe.backendPids(this.database).then((pids) => {
      this.backendsStart = snapshotCpu(pids);
    });
  }

  stop(): void {
    this.meter.stop();
    this.serverEnd = snapshotCpu(this.serverPids);
    this.backendsEnd = snapshotCpu([...this.backendsStart.keys()]);
  }

  async report(requests: number): Promise<CpuReport> {
    await this.pending;
    const serverCpuS = cpuSecondsBetween(this.serverStart, this.serverEnd);
    const postgresBackendsCpuS = cpuSecondsBetween(this.backendsStart, this.backendsEnd);
    const meter = this.meter.read();
    const perRequest = (seconds: number): number => (requests === 0 ? 0 : Math.round((seconds * 1e6) / requests) / 1000);
    return {
      serverCpuS: round2(serverCpuS),
      postgresBackendsCpuS: round2(postgresBackendsCpuS),
      loadGeneratorCpuPct: meter?.processCpuPct ?? null,
      machineBusyPct: meter?.machineBusyPct ?? null,
      perRequestMs: {
        server: perRequest(serverCpuS),
        postgresBackends: perRequest(postgresBackendsCpuS),
        loadGenerator: meter === null ? null : perRequest(meter.processCpuSeconds),
      },
    };
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
