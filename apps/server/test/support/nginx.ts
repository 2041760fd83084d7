import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { waitUntil } from './wait';

const template = path.join(__dirname, '..', '..', '..', '..', 'deploy', 'nginx.conf.template');

/** A real nginx in front of the given server ports, from the shipped template. */
export class TestNginx {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async start(serverPorts: number[]): Promise<TestNginx> {
    if (spawnSync('nginx', ['-v']).error) {
      throw new Error(
        'nginx is not installed: the load-balancer tests need it (apt-get install -y nginx)',
      );
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'chat-nginx-'));
    const port = await freePort();
    const conf = readFileSync(template, 'utf8')
      .replaceAll('{{RUN_DIR}}', dir)
      .replaceAll('{{LB_PORT}}', String(port))
      .replaceAll('{{WEB_ADDRESS}}', '127.0.0.1:9')
      .replaceAll(
        '{{UPSTREAM_SERVERS}}',
        serverPorts
          .map((p) => `        server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`)
          .join('\n'),
      );
    writeFileSync(path.join(dir, 'nginx.conf'), conf);
    const child = spawn(
      'nginx',
      [
        '-c',
        path.join(dir, 'nginx.conf'),
        '-p',
        dir,
        '-e',
        path.join(dir, 'error.log'),
        '-g',
        'daemon off;',
      ],
      { stdio: 'ignore' },
    );
    const nginx = new TestNginx(child, dir, port);
    await waitUntil(
      async () => {
        try {
          return (await fetch(`${nginx.url}/healthz`)).ok;
        } catch {
          return false;
        }
      },
      { what: 'nginx to proxy /healthz' },
    );
    return nginx;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      // SIGTERM: a fast stop; a graceful one (SIGQUIT) would wait for open websockets.
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
