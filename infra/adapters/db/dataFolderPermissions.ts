import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Owner only: the data folder holds the token-signing key, credentials and every event. */
export const DATA_DIRECTORY_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;
/** Bits that grant anything to group or others. */
const OTHERS_MASK = 0o077;

/**
 * Keeps the embedded store owner-only whatever the umask (issue 9 item 4). PGlite's file system
 * creates files 0666 and folders 0777 minus the umask, so:
 * - `restrictUmask()` adds 0o077 to the process umask (files created later are owner-only);
 * - `secureDataFolder(dir)` sets the folder and every folder below it to 0700 and every file to
 *   0600, and returns the paths it had to change (to log them).
 * Symbolic links are left alone (their target is not ours to change).
 */
export function restrictUmask(): boolean {
  try {
    const previous = process.umask(OTHERS_MASK);
    process.umask(previous | OTHERS_MASK);
    return true;
  } catch {
    // Worker threads cannot change the umask; secureDataFolder still fixes what exists.
    return false;
  }
}

export function secureDataFolder(directory: string): string[] {
  mkdirSync(directory, { recursive: true, mode: DATA_DIRECTORY_MODE });
  const changed: string[] = [];
  const visit = (path: string): void => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    const wanted = stat.isDirectory() ? DATA_DIRECTORY_MODE : DATA_FILE_MODE;
    if ((stat.mode & 0o777) !== wanted) {
      chmodSync(path, wanted);
      changed.push(path);
    }
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
  };
  visit(directory);
  return changed;
}
