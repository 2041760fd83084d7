import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

/**
 * A redis-server owned by one test file, on a free port, in a temp folder.
 * Tests may stop, kill and restart it; it never touches a Redis that happens
 * to run on the machine.
 */
export class TestRedis {
  private process: ChildProcess | undefined;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'chat-redis-'));

  private constructor(
    readonly port: number,
    private readonly extraArgs: string[],
  ) {}

  static async start(options: { appendOnly?: boolean; args?: string[] } = {}): Promise<TestRedis> {
    assertRedisInstalled();
    const args = ['--appendonly', options.appendOnly ? 'yes' : 'no', ...(options.args ?? [])];
    const redis = new TestRedis(await freePort(), args);
    await redis.launch();
    return redis;
  }

  /** The running server's process id (to freeze it with SIGSTOP, say). */
  get pid(): number {
    const pid = this.process?.pid;
    if (pid === undefined) throw new Error('redis-server is not running');
    return pid;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server again on the same port with the same data folder (AOF survives). */
  async launch(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        ...this.extraArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.process = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          child.stdout?.off('data', onData);
          child.stdout?.resume();
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) =>
        reject(new Error(`redis-server exited with ${code}: ${output}`)),
      );
    });
  }

  /** Stops the server (SIGTERM: with AOF on, everything acknowledged is on disk). */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function assertRedisInstalled(): void {
  const probe = spawnSync('redis-server', ['--version']);
  if (probe.error) {
    throw new Error(
      'redis-server is not installed: the tests need it (Debian: apt-get install -y redis-server)',
    );
  }
}
