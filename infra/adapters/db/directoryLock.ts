import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type DirectoryLock = Readonly<{ path: string; release: () => void }>;

/** Another live process holds the data folder. */
export class DirectoryLockedError extends Error {
  override readonly name = 'DirectoryLockedError';
  constructor(
    readonly directory: string,
    readonly ownerPid: number,
  ) {
    super(`data folder ${directory} is in use by process ${ownerPid}; stop it or choose another folder (LEDGER_DATA_DIR)`);
  }
}

const LOCK_FILE = 'ledger.lock';

/**
 * Takes `<dir>/ledger.lock` with O_EXCL, holding this process's pid. A lock left by a dead
 * process (crash, kill -9) is taken over; a live owner makes this throw DirectoryLockedError.
 */
export function acquireDirectoryLock(directory: string): DirectoryLock {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {
        path,
        release: () => {
          releaseIfOwned(path);
        },
      };
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
      const owner = readOwner(path);
      if (owner !== undefined && isAlive(owner)) throw new DirectoryLockedError(directory, owner);
      unlinkSync(path);
    }
  }
  throw new Error(`could not lock data folder ${directory}`);
}

function releaseIfOwned(path: string): void {
  if (readOwner(path) === process.pid) unlinkSync(path);
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isCode(error, 'EPERM');
  }
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
