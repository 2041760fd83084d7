import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { killAllNow } from '@chat/testkit';

/*
 * What the bench reads about its processes from /proc, its clock, and the
 * exit handling of its CLI: every child it starts (through @chat/testkit) is
 * killed on exit, on Ctrl-C, on SIGTERM and on an uncaught error.
 */

export { killAllNow };

let cleanupInstalled = false;

/** Kills every child on exit, Ctrl-C, SIGTERM and uncaught errors. */
export function installCleanup(onSignal?: () => void): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}: stopping every process it started\n`);
      onSignal?.();
      killAllNow();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (error) => {
    process.stderr.write(`bench: ${error.stack ?? String(error)}\n`);
    killAllNow();
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    killAllNow();
    process.exit(1);
  });
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const value = Number(out.stdout?.trim());
    clockTicks = Number.isFinite(value) && value > 0 ? value : 100;
  }
  return clockTicks;
}

export interface ProcSample {
  /** utime + stime, in seconds. */
  cpuSec: number;
  /** VmRSS, in bytes. */
  rssBytes: number;
}

/** CPU (utime+stime from /proc/<pid>/stat) and VmRSS (/proc/<pid>/status) of a process. */
export function sampleProc(pid: number): ProcSample {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15.
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return { cpuSec: ticks / ticksPerSecond(), rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
  } catch {
    return { cpuSec: 0, rssBytes: 0 };
  }
}

/** This process (orchestrator + load-generator workers): CPU seconds. */
export function selfCpuSec(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Milliseconds on the monotonic clock, shared by every thread of this process. */
export function nowMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

/** Soft and hard limits on open files of this process (from /proc/self/limits). */
export function openFileLimits(): { soft: number; hard: number } | undefined {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
    if (!match) return undefined;
    const parse = (v: string) => (v === 'unlimited' ? Infinity : Number(v));
    return { soft: parse(match[1]!), hard: parse(match[2]!) };
  } catch {
    return undefined;
  }
}

/**
 * Makes sure this process (and the children it starts, which inherit it) may
 * open `needed` files: raises the soft limit to the hard one with prlimit
 * when it is lower. Returns a warning when that is still not enough.
 */
export function ensureOpenFiles(needed: number): string | undefined {
  const limits = openFileLimits();
  if (!limits || limits.soft >= needed) return undefined;
  const target = Math.min(limits.hard, Math.max(needed, 65_536));
  spawnSync('prlimit', [`--pid=${process.pid}`, `--nofile=${target}:${limits.hard}`]);
  const after = openFileLimits();
  if (after && after.soft >= needed) return undefined;
  return `open files limit is ${after?.soft ?? limits.soft}, the scenarios need about ${needed}: run "ulimit -n ${needed}" first`;
}
