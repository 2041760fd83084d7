import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** Throws with the install command when `binary` is not on PATH. */
export function requireBinary(binary: string, install: string): void {
  const probe = spawnSync(binary, ['-v'], { stdio: 'ignore' });
  if (probe.error)
    throw new Error(`\`${binary}\` is not installed. Install it with:\n  ${install}`);
}

/**
 * The real path of the folder holding every one of `binaries`: the first such
 * folder on PATH, else the first of `fallbackDirs` (Debian keeps PostgreSQL's
 * programs off PATH, under /usr/lib/postgresql/<major>/bin). Throws with the
 * install command when none holds them all.
 */
export function findBinaryDir(binaries: string[], fallbackDirs: string[], install: string): string {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir.length > 0);
  for (const dir of [...onPath, ...fallbackDirs]) {
    if (binaries.every((binary) => isExecutable(path.join(dir, binary))))
      return path.dirname(realpathSync(path.join(dir, binaries[0]!)));
  }
  throw new Error(`\`${binaries.join('`, `')}\` not found. Install it with:\n  ${install}`);
}

/** The subfolders `<root>/<version>/<sub>` of installed versions, newest (highest number) first. */
export function versionedDirs(root: string, sub: string): string[] {
  let versions: string[];
  try {
    versions = readdirSync(root).filter((name) => /^\d+(\.\d+)*$/.test(name));
  } catch {
    return [];
  }
  return versions
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    .map((version) => path.join(root, version, sub));
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
