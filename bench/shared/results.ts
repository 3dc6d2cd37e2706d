/**
 * What every bench does at its ends: the code the numbers belong to, the result written to
 * bench/results/<name>-<timestamp>.json and to stdout, and a failure as one stack on stderr with
 * exit code 1.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS_DIR = join(ROOT, 'bench', 'results');

const stderrLine = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** HEAD and how many files differ from it. */
export function gitState(): Readonly<{ head: string | null; dirtyFiles: number | null }> {
  const git = (args: string[]): string | null => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const status = git(['status', '--porcelain']);
  return { head: git(['rev-parse', 'HEAD']), dirtyFiles: status === null ? null : status.split('\n').filter((line) => line !== '').length };
}

/** Writes `result` as bench/results/`<name>`-`<startedAt>`.json and to stdout; answers the file. */
export function writeResult(name: string, startedAt: Date, result: unknown, log: (line: string) => void = stderrLine): string {
  const text = JSON.stringify(result, null, 2);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${text}\n`);
  process.stdout.write(`${text}\n`);
  log(`written to ${file}`);
  return file;
}

/** Runs a bench's main; a failure is its stack on stderr and exit code 1. */
export function runBench(main: () => Promise<void>, log: (line: string) => void = stderrLine): void {
  main().catch((error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  });
}
