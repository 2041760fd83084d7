import { ManagedProcess } from './managed-process';
import { NEXT_BIN, WEB_DIR } from './paths';
import type { Service } from './service';

export interface WebAppOptions {
  port: number;
  /** CHAT_SERVER_URL: the server the browser talks to; '' for the page's own origin (behind nginx). */
  serverUrl: string;
  /** Address to bind; default: every interface (next start's own default). */
  hostname?: string;
  /** More environment over this process's. */
  env?: NodeJS.ProcessEnv;
  /** How long the first page may take; default 30 s. */
  timeoutMs?: number;
  /** Also append its output to this file. */
  logFile?: string;
}

/** One `next start` of the built web app (apps/web/.next); resolves once `/` answers 200. */
export class WebApp implements Service {
  readonly name = 'web';

  private constructor(
    readonly process: ManagedProcess,
    readonly port: number,
  ) {}

  static async start(options: WebAppOptions): Promise<WebApp> {
    const child = await ManagedProcess.spawn({
      name: 'next start',
      command: process.execPath,
      args: [
        NEXT_BIN,
        'start',
        '--port',
        String(options.port),
        ...(options.hostname ? ['--hostname', options.hostname] : []),
      ],
      cwd: WEB_DIR,
      env: { ...process.env, ...options.env, CHAT_SERVER_URL: options.serverUrl },
      logFile: options.logFile,
    });
    const app = new WebApp(child, options.port);
    try {
      await child.waitUntilServes(`${app.url}/`, { timeoutMs: options.timeoutMs });
    } catch (error) {
      await app.destroy();
      throw error;
    }
    return app;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** SIGTERM to it and anything it started; SIGKILL 5 s later if still running. */
  async destroy(): Promise<void> {
    await this.process.stop('SIGTERM', { graceMs: 5_000 });
  }
}
