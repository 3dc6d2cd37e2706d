import { readFileSync } from 'node:fs';
import os from 'node:os';

export type MachineInfo = Readonly<{
  cpus: number;
  cpuModel: string;
  totalMemoryGiB: number;
  platform: string;
  kernel: string;
  node: string;
  loadAverageAtStart: readonly number[];
}>;

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    node: process.version,
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

/** Whole-machine CPU time from /proc/stat (Linux); null elsewhere. */
type CpuTimes = Readonly<{ busy: number; total: number }>;

function readCpuTimes(): CpuTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/**
 * Measures, over an interval, how busy the whole machine was (all processes, in % of all CPUs)
 * and how much CPU this process used (in % of one CPU).
 */
export class CpuMeter {
  private machineStart: CpuTimes | null = null;
  private processStart: NodeJS.CpuUsage | null = null;
  private wallStart = 0n;
  private result: { machineBusyPct: number | null; processCpuPct: number; processCpuSeconds: number } | null = null;

  start(): void {
    this.machineStart = readCpuTimes();
    this.processStart = process.cpuUsage();
    this.wallStart = process.hrtime.bigint();
    this.result = null;
  }

  stop(): void {
    if (this.processStart === null) return;
    const wallUs = Number(process.hrtime.bigint() - this.wallStart) / 1000;
    const usage = process.cpuUsage(this.processStart);
    const machineEnd = readCpuTimes();
    const machineBusyPct =
      this.machineStart !== null && machineEnd !== null && machineEnd.total > this.machineStart.total
        ? round1((100 * (machineEnd.busy - this.machineStart.busy)) / (machineEnd.total - this.machineStart.total))
        : null;
    const cpuUs = usage.user + usage.system;
    this.result = { machineBusyPct, processCpuPct: round1((100 * cpuUs) / wallUs), processCpuSeconds: cpuUs / 1e6 };
  }

  read(): { machineBusyPct: number | null; processCpuPct: number; processCpuSeconds: number } | null {
    return this.result;
  }
}

/** Share of the machine busy over `ms` (a quietness check before starting). */
export async function machineBusyPct(ms: number): Promise<number | null> {
  const start = readCpuTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const end = readCpuTimes();
  if (start === null || end === null || end.total <= start.total) return null;
  return round1((100 * (end.busy - start.busy)) / (end.total - start.total));
}

const CLOCK_TICKS_PER_S = 100;

/** CPU seconds (user + system) used so far by process `pid` (Linux /proc), or null. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ") " that closes the command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    const user = Number(fields[11]);
    const system = Number(fields[12]);
    return Number.isFinite(user) && Number.isFinite(system) ? (user + system) / CLOCK_TICKS_PER_S : null;
  } catch {
    return null;
  }
}

/** CPU seconds used by a set of processes between two snapshots (processes gone by then count as 0). */
export function snapshotCpu(pids: readonly number[]): Map<number, number> {
  const snapshot = new Map<number, number>();
  for (const pid of pids) {
    const seconds = processCpuSeconds(pid);
    if (seconds !== null) snapshot.set(pid, seconds);
  }
  return snapshot;
}

export function cpuSecondsBetween(start: Map<number, number>, end: Map<number, number>): number {
  let total = 0;
  for (const [pid, before] of start) {
    const after = end.get(pid);
    if (after !== undefined) total += after - before;
  }
  return total;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
