/**
 * Command throughput over HTTP: the ledger (`infra/entry/main.ts` as a child process, on a fresh
 * PostgreSQL database) under the terminal mix (terminalMix.ts) at 50 keep-alive connections,
 * beside a bare fastify + pg INSERT server (baselineServer.ts) measured in the same run, the same
 * way. Each system gets its own fresh database, dropped at the end.
 *
 *   npm run bench:commands            (= tsx bench/commands/run.ts)
 *
 * Environment (all optional): BENCH_DURATION_S (30), BENCH_WARMUP_S (5), BENCH_CONCURRENCY (50),
 * BENCH_TERMINALS (20), BENCH_STORES (4), BENCH_SYSTEMS (baseline,ours), BENCH_LEDGER_PORT (3211),
 * BENCH_BASELINE_PORT (3212), BENCH_API_PROCESSES (1; "1,2" measures one process with every role, then two API
 * processes plus one singleton process, on ports from BENCH_LEDGER_PORT up), BENCH_LEDGER_LOG_LEVEL (warn), BENCH_LEDGER_POOL_SIZE (the ledger's
 * default), BENCH_LEDGER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), BENCH_POSTGRES_URL.
 *
 * stdout: one JSON object (also written to bench/results/commands-<timestamp>.json); stderr: progress.
 */
import { machineBusyPct, machineInfo } from '../shared/machine.js';
import { dropDatabase, recreateDatabase, serverInfo } from '../shared/postgres.js';
import { gitState, runBench, writeResult } from '../shared/results.js';
import { log, measureBaseline, measureLedger, readConfig, type Measured } from './measure.js';
import { MIX } from './terminalMix.js';

const TARGETS = { ratioMin: 0.5, p99MsMax: 50, errorsMax: 0 } as const;

function verdict(ours: Measured | undefined, baseline: Measured | undefined): Record<string, unknown> {
  const ratio = ours !== undefined && baseline !== undefined && baseline.requestsPerS > 0 ? Math.round((1000 * ours.requestsPerS) / baseline.requestsPerS) / 1000 : null;
  return {
    ratioOursToBaselineRequestsPerS: ratio,
    targets: TARGETS,
    met:
      ours === undefined
        ? null
        : {
            ratio: ratio === null ? null : ratio >= TARGETS.ratioMin,
            p99: ours.latencyMs.p99Ms < TARGETS.p99MsMax,
            errors: ours.errors.total <= TARGETS.errorsMax,
          },
  };
}

async function main(): Promise<void> {
  const config = readConfig();
  const startedAt = new Date();
  const busyBefore = await machineBusyPct(1_000);
  log(`machine busy before start: ${busyBefore ?? '?'} %`);
  const suffix = `${process.pid}`;
  const databases = { baseline: `bench_commands_baseline_${suffix}`, ours: `bench_commands_${suffix}` };
  let baseline: Measured | undefined;
  let ours: Measured | undefined;
  const scaleOut: Record<string, unknown>[] = [];
  const others: Measured[] = [];
  try {
    if (config.systems.includes('baseline')) {
      await recreateDatabase(databases.baseline);
      baseline = await measureBaseline(config, databases.baseline);
      log(`baseline: ${baseline.requestsPerS} req/s, p99 ${baseline.latencyMs.p99Ms} ms, errors ${baseline.errors.total}`);
    }
    if (config.systems.includes('ours')) {
      for (const apiProcesses of config.apiProcesses) {
        await recreateDatabase(databases.ours);
        const measured = await measureLedger(config, databases.ours, apiProcesses);
        log(`ours × ${apiProcesses}: ${measured.requestsPerS} commands/s, p99 ${measured.latencyMs.p99Ms} ms, errors ${measured.errors.total}`);
        scaleOut.push({
          apiProcesses,
          requestsPerS: measured.requestsPerS,
          p99Ms: measured.latencyMs.p99Ms,
          errors: measured.errors.total,
          cpu: measured.cpu,
          databaseCost: measured.databaseCost,
        });
        ours ??= measured;
        if (apiProcesses !== config.apiProcesses[0]) others.push(measured);
      }
    }
  } finally {
    await Promise.all(Object.values(databases).map((database) => dropDatabase(database).catch(() => undefined)));
  }
  const result = {
    benchmark: 'bench:commands',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    code: gitState(),
    machine: { ...machineInfo(), busyPctBeforeStart: busyBefore },
    postgres: await serverInfo(),
    config: { ...config, mix: MIX, client: 'node:http keep-alive Agent, maxSockets = concurrency, closed loop' },
    ...verdict(ours, baseline),
    // One row per BENCH_API_PROCESSES entry: the same mix on 1, 2, … API processes (plus one singleton process when > 1).
    scaleOut,
    ours: ours ?? null,
    oursWithMoreApiProcesses: others,
    baseline: baseline ?? null,
  };
  writeResult('commands', startedAt, result, log);
}

runBench(main, log);
