import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { answersOk, waitUntil } from './wait';

export interface ProcessOptions {
  /** What error messages and logs call it. */
  name: string;
  command: string;
  args?: string[];
  /** The whole environment of the child; default: this process's. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as another user (a PostgreSQL server refuses to run as root, say). */
  user?: { uid: number; gid: number };
  /** Also append everything it writes to this file. */
  logFile?: string;
}

/** How a process ended: its exit code, or the signal that ended it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Output kept in memory per process; beyond it the oldest half is dropped. */
const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;

const live = new Set<ManagedProcess>();

/**
 * A child process in its own process group, owned by whoever started it.
 * Captures what it writes (stdout and stderr); signals reach the whole group,
 * so a process under a wrapper (faketime forks its target) is stopped too.
 * Every kind of process (redis-server, a server instance, nginx, the web app,
 * later PostgreSQL and Redis Cluster nodes) is one of these.
 */
export class ManagedProcess {
  /** Everything it wrote, stdout and stderr interleaved (the last 4 MiB at the most). */
  output = '';
  /** What it wrote to stdout only (for JSON log lines). */
  stdout = '';
  /** Resolves once it is gone. */
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | undefined;
  /** Set once its output streams closed too: everything it wrote has been read. */
  private closed = false;
  private readonly log: WriteStream | undefined;
  private outputWaiters: (() => boolean)[] = [];

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    logFile: string | undefined,
  ) {
    this.log = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.status = { code, signal };
        live.delete(this);
        resolve(this.status);
        this.notify();
      });
    });
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      this.stdout = capped(this.stdout + chunk);
      this.append(chunk);
    });
    child.stderr?.on('data', (chunk: string) => this.append(chunk));
    child.once('close', () => {
      this.closed = true;
      this.log?.end();
      this.notify();
    });
  }

  /** Starts it; rejects when it cannot be started at all (no such command, say). */
  static async spawn(options: ProcessOptions): Promise<ManagedProcess> {
    const child = spawn(options.command, options.args ?? [], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const managed = new ManagedProcess(options.name, child, options.logFile);
    live.add(managed);
    return managed;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** False once it exited. */
  get running(): boolean {
    return this.status === undefined;
  }

  /** The last `lines` lines it wrote, for error messages. */
  tail(lines = 40): string {
    return this.output
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  }

  /**
   * Resolves once its output matches `pattern` (a start-up line such as
   * `"msg":"listening"`); rejects with all of its output when it exits first, or
   * after `timeoutMs` (default 30 s).
   */
  waitForOutput(pattern: string | RegExp, { timeoutMs = 30_000 } = {}): Promise<void> {
    const matches = () =>
      typeof pattern === 'string' ? this.output.includes(pattern) : pattern.test(this.output);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.outputWaiters = this.outputWaiters.filter((waiter) => waiter !== check);
        reject(new Error(`${this.name} did not start within ${timeoutMs} ms: ${this.output}`));
      }, timeoutMs);
      const check = () => {
        if (matches()) {
          clearTimeout(timer);
          resolve();
          return true;
        }
        if (this.status && this.closed) {
          clearTimeout(timer);
          const how = this.status.code ?? this.status.signal;
          reject(new Error(`${this.name} exited with ${how}: ${this.output}`));
          return true;
        }
        return false;
      };
      if (!check()) this.outputWaiters.push(check);
    });
  }

  /**
   * Resolves once a GET of `url` answers 2xx (for processes that log no
   * ready line); rejects with its output when it exits first, or after
   * `timeoutMs` (default 30 s).
   */
  async waitUntilServes(url: string, { timeoutMs = 30_000 } = {}): Promise<void> {
    await waitUntil(
      () => {
        if (!this.running) throw new Error(`${this.name} exited: ${this.output}`);
        return answersOk(url);
      },
      { timeoutMs, intervalMs: 100, what: `${this.name} to answer ${url}` },
    );
  }

  /** Sends `signal` to its process group without waiting (SIGSTOP and SIGCONT, say). */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // The group is gone already.
    }
  }

  /**
   * Signals its process group and resolves with the exit code once it is gone
   * (null when a signal ended it). With `graceMs`, SIGKILL follows when it is
   * still running after that long.
   */
  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
    { graceMs }: { graceMs?: number } = {},
  ): Promise<number | null> {
    if (this.status) return this.status.code;
    this.signal(signal);
    const timer =
      graceMs === undefined ? undefined : setTimeout(() => this.signal('SIGKILL'), graceMs);
    const status = await this.exited;
    clearTimeout(timer);
    return status.code;
  }

  private append(chunk: string): void {
    this.output = capped(this.output + chunk);
    this.log?.write(chunk);
    this.notify();
  }

  private notify(): void {
    this.outputWaiters = this.outputWaiters.filter((check) => !check());
  }
}

function capped(text: string): string {
  return text.length > MAX_OUTPUT_CHARS ? text.slice(-MAX_OUTPUT_CHARS / 2) : text;
}

/**
 * SIGKILLs every process group started here that is still running: for exit
 * and signal handlers of a CLI, where there is no time to stop them one by one.
 */
export function killAllNow(): void {
  for (const managed of live) managed.signal('SIGKILL');
  live.clear();
}
