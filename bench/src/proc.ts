import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/*
 * Child processes the bench starts (redis-server, server instances), and what
 * it reads about them from /proc. Every child is registered here and killed
 * on exit, on Ctrl-C, on SIGTERM and on an uncaught error.
 */

export interface Proc {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
  /** The last lines it wrote, for error messages. */
  tail(): string;
}

const live = new Set<Proc>();

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolve once a stdout/stderr line matches; otherwise resolve at once. */
  ready?: RegExp;
  readyTimeoutMs?: number;
}

export async function startProcess(
  name: string,
  command: string,
  args: string[],
  options: StartOptions = {},
): Promise<Proc> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let readyResolve: (() => void) | undefined;
  const onLine = (line: string) => {
    lines.push(line);
    if (lines.length > 40) lines.shift();
    if (readyResolve && options.ready?.test(line)) {
      readyResolve();
      readyResolve = undefined;
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        onLine(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
      if (buffered.length > 65536) buffered = buffered.slice(-4096);
    });
  }
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  await spawned;
  const proc: Proc = { name, pid: child.pid!, child, exited, tail: () => lines.join('\n') };
  live.add(proc);
  void exited.then(() => live.delete(proc));

  if (options.ready) {
    const ready = new Promise<void>((resolve) => (readyResolve = resolve));
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      ready.then(() => 'ready' as const),
      exited.then(() => 'exited' as const),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), options.readyTimeoutMs ?? 20_000);
      }),
    ]);
    clearTimeout(timer);
    if (outcome !== 'ready') {
      child.kill('SIGKILL');
      throw new Error(
        `${name} ${outcome === 'exited' ? 'exited' : 'did not start'}:\n${proc.tail()}`,
      );
    }
  }
  return proc;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(proc: Proc, graceMs = 8000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = await Promise.race([
    proc.exited.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), graceMs);
    }),
  ]);
  clearTimeout(timer);
  if (killed) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}

export function killAllNow(): void {
  for (const proc of live) {
    try {
      proc.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

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

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
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
