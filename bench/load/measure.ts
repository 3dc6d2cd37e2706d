import { CpuMeter, processCpuSeconds } from '../shared/machine.js';
import type { WindowDatabase } from './metricsProbe.js';
import { runOpenLoop, type OpenLoopResult, type Phase, type PhaseTimes, type RunClock } from './openLoop.js';
import type { WindowSummary } from './recorder.js';
import type { System } from './systems.js';

/**
 * One open-loop run of a system through a list of phases, each phase read back as a window: the
 * requests meant to start in it, the ledger's pool and statement numbers over it (/metrics), and
 * where the CPU went (the machine, the server child, this load generator).
 */
export type PhaseReport = Readonly<{
  label: string;
  durationS: number;
  rateFrom: number;
  rateTo: number;
  summary: WindowSummary;
  database: WindowDatabase | null;
  cpu: PhaseCpu;
}>;

export type PhaseCpu = Readonly<{ machineBusyPct: number | null; serverCpuPct: number | null; loadGeneratorCpuPct: number | null }>;

/** `placed`: where each phase lay on the run clock (the recorder's time base). */
export type RunReport = Readonly<{ loop: Omit<OpenLoopResult, 'phases'>; phases: readonly PhaseReport[]; placed: readonly PhaseTimes[] }>;

export type MeasureOptions = Readonly<{ clock: RunClock; inFlightMax: number; drainTimeoutMs: number; log: (line: string) => void }>;

export async function runPhases(system: System, phases: readonly Phase[], options: MeasureOptions): Promise<RunReport> {
  const probe = system.probe;
  probe?.start();
  await probe?.sample();
  const cpu = new PhaseCpuMeters(system.pid, options.clock);
  const loop = await runOpenLoop({
    phases,
    requestsPerFlow: system.requestsPerFlow,
    inFlightMax: options.inFlightMax,
    drainTimeoutMs: options.drainTimeoutMs,
    startFlow: system.startFlow,
    recorder: system.recorder,
    clock: options.clock,
    log: options.log,
    onPlaced: (placed) => {
      cpu.schedule(placed);
    },
  });
  await probe?.sample();
  cpu.finish();
  const reports = loop.phases.map((placed, index) => ({
    label: placed.label,
    durationS: (placed.toMs - placed.fromMs) / 1000,
    rateFrom: placed.rateFrom,
    rateTo: placed.rateTo,
    summary: system.recorder.window(placed.fromMs, placed.toMs),
    database: probe === null ? null : probe.window(placed.fromMs, placed.toMs),
    cpu: cpu.report(index),
  }));
  const { phases: placed, ...rest } = loop;
  return { loop: rest, phases: reports, placed };
}

/** One CpuMeter (machine + this process) and server CPU snapshots per phase, started and stopped by timers on the phase edges. */
class PhaseCpuMeters {
  private readonly meters: { meter: CpuMeter; serverStart: number | null; serverEnd: number | null; wallMs: number; started: boolean; stopped: boolean }[] = [];
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly pid: number,
    private readonly clock: RunClock,
  ) {}

  schedule(phases: readonly PhaseTimes[]): void {
    for (const phase of phases) {
      const entry = {
        meter: new CpuMeter(),
        serverStart: null as number | null,
        serverEnd: null as number | null,
        wallMs: phase.toMs - phase.fromMs,
        started: false,
        stopped: false,
      };
      this.meters.push(entry);
      const start = (): void => {
        entry.started = true;
        entry.meter.start();
        entry.serverStart = processCpuSeconds(this.pid);
      };
      const stop = (): void => {
        if (!entry.started || entry.stopped) return;
        entry.stopped = true;
        entry.meter.stop();
        entry.serverEnd = processCpuSeconds(this.pid);
      };
      this.timers.push(setTimeout(start, Math.max(0, phase.fromMs - this.clock.now())), setTimeout(stop, Math.max(0, phase.toMs - this.clock.now())));
    }
  }

  finish(): void {
    this.timers.forEach(clearTimeout);
    for (const entry of this.meters) {
      if (entry.started && !entry.stopped) {
        entry.stopped = true;
        entry.meter.stop();
        entry.serverEnd = processCpuSeconds(this.pid);
      }
    }
  }

  report(index: number): PhaseCpu {
    const entry = this.meters[index];
    const read = entry?.meter.read() ?? null;
    const start = entry?.serverStart ?? null;
    const end = entry?.serverEnd ?? null;
    const serverCpuPct = entry === undefined || start === null || end === null ? null : Math.round((1000 * (end - start)) / (entry.wallMs / 1000)) / 10;
    return { machineBusyPct: read?.machineBusyPct ?? null, serverCpuPct, loadGeneratorCpuPct: read?.processCpuPct ?? null };
  }
}
