import { EmbeddedDataDir } from './embedded-data-dir';
import { freePort } from './free-port';
import { ManagedProcess } from './managed-process';
import { REPO_ROOT, SERVER_ENTRY } from './paths';
import type { Service } from './service';

export interface ServerProcessOptions {
  /** Run the server under another program, e.g. ['faketime', '-f', '+1h']. */
  wrapper?: string[];
  /**
   * When it counts as started: `listening`, its log line (the default; the
   * log level is info unless `env` sets one), or `ready`, once /readyz answers
   * 200 (its Redis is reachable too).
   */
  until?: 'listening' | 'ready';
  /** Also append its log to this file. */
  logFile?: string;
  name?: string;
}

/**
 * A server instance as a real child process (the built apps/server/dist),
 * on 127.0.0.1, for tests that kill it and for `npm run cluster`.
 */
export class ServerProcess implements Service {
  private constructor(
    readonly name: string,
    readonly process: ManagedProcess,
    readonly port: number,
    /** The DATA_DIR it was given because `env` named none (embedded mode); removed when it stops. */
    private readonly ownDataDir: EmbeddedDataDir | undefined,
  ) {}

  /**
   * Starts an instance with `env` over this process's environment (a value
   * of undefined removes that variable); `port` pins it (a restarted instance
   * comes back on the same port), default a free one. Rejects with its output
   * when it exits before it started. In embedded mode (no REDIS_URL) without a DATA_DIR
   * in `env`, it gets a fresh one of its own (EmbeddedDataDir), deleted once it stops;
   * a test that restarts an embedded server passes the same DATA_DIR to both.
   */
  static async start(
    env: Record<string, string | undefined>,
    port?: number,
    options: ServerProcessOptions = {},
  ): Promise<ServerProcess> {
    port ??= await freePort();
    const until = options.until ?? 'listening';
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...(until === 'listening' ? { LOG_LEVEL: 'info' } : {}),
      ...env,
    };
    for (const [key, value] of Object.entries(childEnv))
      if (value === undefined || (key === 'REDIS_URL' && value === '')) delete childEnv[key];
    const ownDataDir =
      childEnv.REDIS_URL === undefined && childEnv.DATA_DIR === undefined
        ? await EmbeddedDataDir.create()
        : undefined;
    if (ownDataDir) childEnv.DATA_DIR = ownDataDir.path;
    const [command, ...args] = [...(options.wrapper ?? []), process.execPath, SERVER_ENTRY];
    const name = options.name ?? 'server';
    let child: ManagedProcess;
    try {
      child = await ManagedProcess.spawn({
        name,
        command: command!,
        args,
        env: childEnv,
        cwd: REPO_ROOT,
        logFile: options.logFile,
      });
    } catch (error) {
      ownDataDir?.remove();
      throw error;
    }
    const server = new ServerProcess(name, child, port, ownDataDir);
    try {
      if (until === 'listening') await child.waitForOutput('"msg":"listening"');
      else await child.waitUntilServes(`${server.url}/readyz`);
    } catch (error) {
      await server.stop('SIGKILL');
      throw error;
    }
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Everything it logged. */
  get output(): string {
    return this.process.output;
  }

  get child() {
    return this.process.child;
  }

  /** Sends a signal and resolves with the exit code (null when killed by the signal). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const code = await this.process.stop(signal);
    this.ownDataDir?.remove();
    return code;
  }

  /** SIGTERM (it drains), SIGKILL when it is still running 10 s later. */
  async destroy(): Promise<void> {
    await this.process.stop('SIGTERM', { graceMs: 10_000 });
    this.ownDataDir?.remove();
  }
}
