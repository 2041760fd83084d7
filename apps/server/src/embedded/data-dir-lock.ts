import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The lock file in DATA_DIR: the pid of the server that uses the folder. */
export const LOCK_FILE = 'server.pid';

/** Start-up failed because another live process uses the DATA_DIR. */
export class DataDirInUseError extends Error {}

/** Folders locked by this process: its own pid in a lock is a stale one only if not listed. */
const heldHere = new Set<string>();

/**
 * One server per DATA_DIR: PGlite has no lock of its own, and two processes writing one
 * data directory would corrupt it. `acquire` creates `DATA_DIR/server.pid` exclusively;
 * when it exists and names a live process it throws DataDirInUseError with that pid. A
 * lock left by a process that is gone (killed, crashed; or garbled by a crash mid-write)
 * is taken over. Release removes it (only if it is still this process's).
 */
export class DataDirLock {
  private constructor(private readonly file: string) {}

  static acquire(dataDir: string): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, LOCK_FILE);
    if (heldHere.has(file)) throw inUse(file, process.pid);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
        heldHere.add(file);
        return new DataDirLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readPid(file);
      if (holder !== null && holder !== process.pid && isAlive(holder)) throw inUse(file, holder);
      // Stale: move it aside (atomic: of two processes taking it over, one moves it), check
      // that what was moved is the stale lock and not one a rival just created, and retry.
      const aside = `${file}.stale-${process.pid}-${attempt}`;
      try {
        renameSync(file, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const moved = readPid(aside);
      if (moved !== null && moved !== holder && moved !== process.pid && isAlive(moved)) {
        renameSync(aside, file);
        throw inUse(file, moved);
      }
      rmSync(aside, { force: true });
    }
    throw new DataDirInUseError(`could not lock ${file}: other processes keep taking it`);
  }

  release(): void {
    if (!heldHere.delete(this.file)) return;
    if (readPid(this.file) === process.pid) rmSync(this.file, { force: true });
  }
}

function inUse(file: string, pid: number): DataDirInUseError {
  return new DataDirInUseError(
    `DATA_DIR ${path.dirname(file)} is in use by another server (pid ${pid}): one server per ` +
      `DATA_DIR. Stop that one, or give this one another DATA_DIR; if no server runs there, ` +
      `delete ${file}.`,
  );
}

function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
