import { ManagedProcess } from './managed-process';
import { ARCHIVER_ENTRY, REPO_ROOT } from './paths';
import type { Service } from './service';

export interface ArchiverProcessOptions {
  /** Also append its log to this file. */
  logFile?: string;
  name?: string;
  /** How long to wait for `archiver ready` (a backfill runs before it); default 30 s. */
  timeoutMs?: number;
}

/**
 * An archiver as a real child process (the built apps/archiver/dist), for
 * tests that kill it (SIGKILL) or stop it (SIGTERM), the bench and
 * `npm run cluster`. Started, it has logged `"msg":"archiver ready"`: it
 * migrated, registered the feed, backfilled and consumes. Its metrics
 * listener is on a free port (ARCHIVER_PORT=0 unless `env` pins one).
 */
export class ArchiverProcess implements Service {
  private constructor(
    readonly name: string,
    readonly process: ManagedProcess,
    readonly port: number,
  ) {}

  /**
   * Starts one with `env` over this process's environment (REDIS_URL and
   * DATABASE_URL at least, and REDIS_MODE=cluster with a Redis Cluster's node list:
   * ProcessCluster.redisEnv; a value of undefined removes that variable).
   * Rejects with its output when it exits before it is ready.
   */
  static async start(
    env: Record<string, string | undefined>,
    options: ArchiverProcessOptions = {},
  ): Promise<ArchiverProcess> {
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: '127.0.0.1',
      ARCHIVER_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    };
    for (const [key, value] of Object.entries(childEnv))
      if (value === undefined) delete childEnv[key];
    const name = options.name ?? 'archiver';
    const child = await ManagedProcess.spawn({
      name,
      command: process.execPath,
      args: [ARCHIVER_ENTRY],
      env: childEnv,
      cwd: REPO_ROOT,
      logFile: options.logFile,
    });
    try {
      const timeoutMs = options.timeoutMs ?? 30_000;
      await child.waitForOutput('"msg":"archiver ready"', { timeoutMs });
    } catch (error) {
      await child.stop('SIGKILL');
      throw error;
    }
    const listening = /"port":(\d+)[^\n]*"msg":"archiver listening"/.exec(child.stdout);
    return new ArchiverProcess(name, child, Number(listening?.[1] ?? 0));
  }

  /** Its metrics and health listener. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Everything it logged. */
  get output(): string {
    return this.process.output;
  }

  /** Its consumer name in the `archivers` group (from its ready line). */
  get consumer(): string {
    return /"consumer":"([^"]+)"/.exec(this.process.stdout)?.[1] ?? '';
  }

  /** Sends a signal and resolves with the exit code (null when killed by the signal). */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    return this.process.stop(signal);
  }

  /** SIGTERM (it finishes its batch), SIGKILL when it is still running 10 s later. */
  async destroy(): Promise<void> {
    await this.process.stop('SIGTERM', { graceMs: 10_000 });
  }
}
