import { spawnSync } from 'node:child_process';

/** Throws with the install command when `binary` is not on PATH. */
export function requireBinary(binary: string, install: string): void {
  const probe = spawnSync(binary, ['-v'], { stdio: 'ignore' });
  if (probe.error)
    throw new Error(`\`${binary}\` is not installed. Install it with:\n  ${install}`);
}
