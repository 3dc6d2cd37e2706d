/**
 * `npm run simulate -- [--seed N] [--scenarios K] [--batch B] [--keep]`: the deterministic simulation
 * (docs/simulation.md) on a database of its own on the PostgreSQL server (SIMULATION_POSTGRES_URL,
 * default postgresql://postgres@127.0.0.1:5432/postgres; dropped afterwards unless --keep). Prints a
 * progress bar on stderr, then `simulate: seed S scenarios N faults F violations V` and one line per
 * violation and per fault kind; exits 1 when V > 0.
 */
import { SingleBar } from 'cli-progress';
import pg from 'pg';
import { runSimulation, summaryLines } from '../simulation/simulation.js';

type Options = { seed: number; scenarios: number; batch: number; keep: boolean };

function parse(argv: readonly string[]): Options {
  const options: Options = { seed: Date.now() % 1_000_000, scenarios: 1_000, batch: 25, keep: false };
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    if (flag === '--keep') {
      options.keep = true;
      continue;
    }
    const value = Number(argv[index + 1]);
    index += 1;
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${flag ?? ''} needs a non-negative integer`);
    if (flag === '--seed') options.seed = value;
    else if (flag === '--scenarios') options.scenarios = value;
    else if (flag === '--batch') options.batch = Math.max(1, value);
    else throw new Error(`unknown option ${flag ?? ''} (expected --seed N, --scenarios K, --batch B, --keep)`);
  }
  return options;
}

async function main(): Promise<number> {
  const options = parse(process.argv.slice(2));
  const server = process.env.SIMULATION_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const database = `mpac_simulation_${options.seed}_${process.pid}`;
  const url = new URL(server);
  url.pathname = `/${database}`;
  const bar = new SingleBar({ format: 'simulate [{bar}] {value}/{total} scenarios | {duration}s', stream: process.stderr });
  bar.start(options.scenarios, 0);
  try {
    const summary = await runSimulation({
      seed: options.seed,
      scenarios: options.scenarios,
      batchSize: options.batch,
      databaseUrl: url.toString(),
      onProgress: (done) => {
        bar.update(done);
      },
    });
    bar.stop();
    process.stderr.write(`faults injected by kind: ${JSON.stringify(summary.faults)} in ${summary.seconds} s\n`);
    process.stdout.write(`${summaryLines(summary).join('\n')}\n`);
    return summary.violations.length > 0 ? 1 : 0;
  } finally {
    bar.stop();
    if (!options.keep) {
      const admin = new pg.Client({ connectionString: server });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`simulate failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
