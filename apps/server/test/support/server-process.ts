import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './free-port';

const entry = path.join(__dirname, '..', '..', 'dist', 'index.js');

/**
 * A server instance as a real child process (the built dist/index.js), for
 * tests that kill it. Resolves once it logged "listening".
 */
export class ServerProcess {
  output = '';

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** Starts an instance; `port` pins it (a restarted instance comes back on the same port). */
  static async start(
    env: Record<string, string>,
    port?: number,
    options: { wrapper?: string[] } = {},
  ): Promise<ServerProcess> {
    port ??= await freePort();
    // `wrapper` runs the server under another program, e.g. ['faketime', '-f', '+1h'].
    const [command, ...args] = [...(options.wrapper ?? []), process.execPath, entry];
    const child = spawn(command!, args, {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so stop() reaches the server under a wrapper too: faketime
      // forks the server as its child, and signalling faketime alone orphaned it.
      detached: true,
    });
    const server = new ServerProcess(child, `http://127.0.0.1:${port}`);
    child.stderr!.on('data', (chunk: Buffer) => (server.output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        server.output += chunk.toString();
        if (server.output.includes('"msg":"listening"')) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`server exited with ${code}: ${server.output}`)),
      );
    });
    return server;
  }

  /** Sends a signal and resolves with the exit code (null when killed by the signal). */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null)
      return Promise.resolve(this.child.exitCode);
    const exited = new Promise<number | null>((resolve) =>
      this.child.once('exit', (code) => resolve(code)),
    );
    process.kill(-this.child.pid!, signal);
    return exited;
  }
}
