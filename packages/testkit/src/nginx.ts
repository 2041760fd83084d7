import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireBinary } from './binaries';
import { freePort } from './free-port';
import { ManagedProcess } from './managed-process';
import { NGINX_TEMPLATE } from './paths';
import type { Service } from './service';

export interface NginxOptions {
  /** Ports of the server instances on 127.0.0.1 it balances over. */
  upstreamPorts: number[];
  /** Its port; default: a free one. */
  port?: number;
  /** host:port of the web app it serves `/` from; default: a closed port (no web app). */
  webAddress?: string;
  /** Seconds an instance is left out after a failed request; default 2. */
  failTimeoutSec?: number;
  /** Folder for its configuration, pid and temp files; default: a temp folder that destroy() removes. */
  runDir?: string;
  /** Also append what it writes to this file. */
  logFile?: string;
}

/**
 * A real nginx from the shipped template (deploy/nginx.conf.template) in
 * front of server instances; resolves once it proxies /healthz.
 */
export class Nginx implements Service {
  readonly name = 'nginx';

  private constructor(
    readonly process: ManagedProcess,
    readonly port: number,
    private readonly runDir: string,
    private readonly ownsDir: boolean,
  ) {}

  static async start(options: NginxOptions): Promise<Nginx> {
    requireBinary('nginx', 'apt-get install -y nginx   (macOS: brew install nginx)');
    const runDir = options.runDir ?? mkdtempSync(path.join(tmpdir(), 'chat-nginx-'));
    mkdirSync(runDir, { recursive: true });
    const port = options.port ?? (await freePort());
    const failTimeout = options.failTimeoutSec ?? 2;
    const conf = readFileSync(NGINX_TEMPLATE, 'utf8')
      .replaceAll('{{RUN_DIR}}', runDir)
      .replaceAll('{{LB_PORT}}', String(port))
      .replaceAll('{{WEB_ADDRESS}}', options.webAddress ?? '127.0.0.1:9')
      .replaceAll(
        '{{UPSTREAM_SERVERS}}',
        options.upstreamPorts
          .map((p) => `        server 127.0.0.1:${p} max_fails=1 fail_timeout=${failTimeout}s;`)
          .join('\n'),
      );
    const confFile = path.join(runDir, 'nginx.conf');
    writeFileSync(confFile, conf);
    const child = await ManagedProcess.spawn({
      name: 'nginx',
      command: 'nginx',
      args: [
        '-c',
        confFile,
        '-p',
        runDir,
        '-e',
        path.join(runDir, 'nginx-error.log'),
        '-g',
        'daemon off;',
      ],
      logFile: options.logFile,
    });
    const nginx = new Nginx(child, port, runDir, options.runDir === undefined);
    try {
      // nginx logs no "ready" line: it is ready once it proxies.
      await child.waitUntilServes(`${nginx.url}/healthz`);
    } catch (error) {
      await nginx.destroy();
      throw error;
    }
    return nginx;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** SIGTERM, a fast stop: a graceful one (SIGQUIT) would wait for open websockets. */
  async destroy(): Promise<void> {
    await this.process.stop('SIGTERM');
    if (this.ownsDir) rmSync(this.runDir, { recursive: true, force: true });
  }
}
