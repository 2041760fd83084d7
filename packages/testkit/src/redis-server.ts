import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireBinary } from './binaries';
import { freePort } from './free-port';
import { ManagedProcess } from './managed-process';
import type { Service } from './service';

export interface RedisOptions {
  /** Append-only file on (fsync every second, as production runs it); default off. */
  appendOnly?: boolean;
  /** A TLS port as well, with these PEM files (clients are not asked for certificates). */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /** Plain port; default: a free one. */
  port?: number;
  /** Data folder, kept by destroy(); default: a temp folder that destroy() removes. */
  dir?: string;
  /** More redis-server arguments (ACL users, passwords...). */
  args?: string[];
  /** Also append its log to this file. */
  logFile?: string;
  name?: string;
}

/**
 * A redis-server of its owner's, on 127.0.0.1 and a free port, in its own
 * data folder: it never touches a Redis that happens to run on the machine.
 * Its owner may stop, kill, pause and restart it; the data folder (and the
 * AOF in it) outlives a restart.
 */
export class RedisServer implements Service {
  private current: ManagedProcess | undefined;

  private constructor(
    readonly name: string,
    readonly port: number,
    /** The TLS port, when started with `tls`. */
    readonly tlsPort: number | undefined,
    private readonly dir: string,
    private readonly ownsDir: boolean,
    private readonly args: string[],
    private readonly logFile: string | undefined,
  ) {}

  static async start(options: RedisOptions = {}): Promise<RedisServer> {
    requireBinary('redis-server', 'apt-get install -y redis-server   (macOS: brew install redis)');
    const port = options.port ?? (await freePort());
    const tlsPort = options.tls ? await freePort() : undefined;
    const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'chat-redis-'));
    mkdirSync(dir, { recursive: true });
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      options.appendOnly ? 'yes' : 'no',
      ...(options.tls
        ? [
            '--tls-port',
            String(tlsPort),
            '--tls-cert-file',
            options.tls.certFile,
            '--tls-key-file',
            options.tls.keyFile,
            '--tls-ca-cert-file',
            options.tls.caFile,
            '--tls-auth-clients',
            'no',
          ]
        : []),
      ...(options.args ?? []),
    ];
    const redis = new RedisServer(
      options.name ?? 'redis-server',
      port,
      tlsPort,
      dir,
      options.dir === undefined,
      args,
      options.logFile,
    );
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The running server's process (its pid, to freeze it with SIGSTOP, say). */
  get process(): ManagedProcess {
    if (!this.current?.running) throw new Error(`${this.name} is not running`);
    return this.current;
  }

  get pid(): number {
    return this.process.pid;
  }

  /** False once stopped or killed (until `launch` starts it again). */
  get running(): boolean {
    return this.current?.running ?? false;
  }

  /** Kills the server with SIGKILL, as a crash would (what it had not written is gone). */
  async kill(): Promise<void> {
    const running = this.current;
    this.current = undefined;
    await running?.stop('SIGKILL');
  }

  /** Starts the server (again) on the same port with the same data folder (an AOF survives). */
  async launch(): Promise<void> {
    const started = await ManagedProcess.spawn({
      name: this.name,
      command: 'redis-server',
      args: this.args,
      logFile: this.logFile,
    });
    this.current = started;
    try {
      await started.waitForOutput('Ready to accept connections');
    } catch (error) {
      await started.stop('SIGKILL');
      throw error;
    }
  }

  /** Stops the server (SIGTERM: with AOF on, everything acknowledged is on disk). */
  async stop(): Promise<void> {
    const running = this.current;
    this.current = undefined;
    await running?.stop('SIGTERM');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async destroy(): Promise<void> {
    await this.stop();
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}
