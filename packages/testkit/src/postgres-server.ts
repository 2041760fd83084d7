import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findBinaryDir, versionedDirs } from './binaries';
import { freePort } from './free-port';
import { ManagedProcess } from './managed-process';
import type { Service } from './service';

export interface PostgresOptions {
  /** Its port on 127.0.0.1; default: a free one. */
  port?: number;
  /**
   * More `postgres -c` settings, over the defaults (fsync, synchronous_commit and
   * full_page_writes off: fast, and nothing survives a crash of the machine, which
   * tests never need).
   */
  settings?: Record<string, string>;
  /**
   * The cluster's locale (initdb --locale); default `C.UTF-8`: byte order collation,
   * and the UTF-8 character classes that full-text search needs to lower-case
   * non-ASCII words.
   */
  locale?: string;
  /** Also append its log to this file. */
  logFile?: string;
  name?: string;
  /**
   * A folder of its own that outlives it (`npm run cluster`): initdb runs only
   * when it holds no cluster yet, and destroy() keeps it. Default: a temp
   * folder that destroy() removes.
   */
  dir?: string;
}

const INSTALL = 'apt-get install -y postgresql   (macOS: brew install postgresql@16)';
const READY = 'database system is ready to accept connections';
/** The superuser initdb creates; local connections are trusted (tests only). */
const SUPERUSER = 'postgres';

/**
 * A PostgreSQL server of its owner's: a fresh cluster (initdb) in a temp
 * folder, on 127.0.0.1 and a free port, its socket in that folder too, so it
 * never meets a PostgreSQL the machine runs on 5432. Trust authentication for
 * the `postgres` superuser. When this process is root it runs as the
 * `postgres` user (PostgreSQL refuses root). Starts in about a second: one
 * per test file, with a database per test where tests must not meet
 * (`createDatabase`).
 */
export class PostgresServer implements Service {
  private current: ManagedProcess | undefined;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly dir: string,
    private readonly binDir: string,
    private readonly ownsDir: boolean,
    private readonly launchOptions: {
      args: string[];
      user: { uid: number; gid: number } | undefined;
      logFile: string | undefined;
    },
  ) {}

  static async start(options: PostgresOptions = {}): Promise<PostgresServer> {
    const binDir = findBinaryDir(
      ['initdb', 'postgres'],
      [...versionedDirs('/usr/lib/postgresql', 'bin'), '/usr/local/pgsql/bin'],
      INSTALL,
    );
    const user = runAs();
    const port = options.port ?? (await freePort());
    const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'chat-pg-'));
    mkdirSync(dir, { recursive: true });
    const dataDir = path.join(dir, 'data');
    const socketDir = path.join(dir, 'socket');
    mkdirSync(socketDir, { recursive: true });
    if (user) for (const owned of [dir, socketDir]) chownSync(owned, user.uid, user.gid);
    const name = options.name ?? 'postgres';
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      ...options.settings,
    };
    const args = [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      socketDir,
      ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    ];
    const server = new PostgresServer(name, port, dir, binDir, options.dir === undefined, {
      args,
      user,
      logFile: options.logFile,
    });
    try {
      if (!existsSync(path.join(dataDir, 'PG_VERSION')))
        await runToExit({
          name: `${name} initdb`,
          command: path.join(binDir, 'initdb'),
          args: [
            '-D',
            dataDir,
            '-U',
            SUPERUSER,
            '--auth=trust',
            '--encoding=UTF8',
            `--locale=${options.locale ?? 'C.UTF-8'}`,
            '--no-sync',
            '--no-instructions',
          ],
          cwd: dir,
          env: cleanEnv(),
          user,
        });
      await server.launch();
    } catch (error) {
      await server.destroy();
      throw error;
    }
    return server;
  }

  /** Starts the server (again, after stop()) on the same port with the same data. */
  async launch(): Promise<void> {
    if (this.current?.running) return;
    const started = await ManagedProcess.spawn({
      name: this.name,
      command: path.join(this.binDir, 'postgres'),
      args: this.launchOptions.args,
      cwd: this.dir,
      env: cleanEnv(),
      user: this.launchOptions.user,
      logFile: this.launchOptions.logFile,
    });
    this.current = started;
    try {
      await started.waitForOutput(READY);
    } catch (error) {
      await started.stop('SIGKILL');
      throw error;
    }
  }

  /** The `postgres` database as the superuser. */
  get url(): string {
    return this.urlOf('postgres');
  }

  /** A URL of one of its databases. */
  urlOf(database: string): string {
    return `postgres://${SUPERUSER}@127.0.0.1:${this.port}/${database}`;
  }

  /** The running server's process. */
  get process(): ManagedProcess {
    if (!this.current?.running) throw new Error(`${this.name} is not running`);
    return this.current;
  }

  /** Creates an empty database (`[a-z_][a-z0-9_]*`) and returns its URL. */
  async createDatabase(database: string): Promise<string> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database))
      throw new Error(`not a plain database name: ${database}`);
    await runToExit({
      name: `${this.name} createdb`,
      command: path.join(this.binDir, 'createdb'),
      args: ['-h', '127.0.0.1', '-p', String(this.port), '-U', SUPERUSER, database],
      env: cleanEnv(),
    });
    return this.urlOf(database);
  }

  /** Drops a database if it exists (`npm run cluster -- --redis-cluster`: a fresh archive). */
  async dropDatabase(database: string): Promise<void> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database))
      throw new Error(`not a plain database name: ${database}`);
    await runToExit({
      name: `${this.name} dropdb`,
      command: path.join(this.binDir, 'dropdb'),
      args: ['-h', '127.0.0.1', '-p', String(this.port), '-U', SUPERUSER, '--if-exists', database],
      env: cleanEnv(),
    });
  }

  /** Stops the server with a fast shutdown (SIGINT: sessions are ended, nothing waits for them). */
  async stop(): Promise<void> {
    const running = this.current;
    this.current = undefined;
    await running?.stop('SIGINT', { graceMs: 10_000 });
  }

  async destroy(): Promise<void> {
    await this.stop();
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The `postgres` user's ids when this process is root (PostgreSQL refuses root); else none. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === 'postgres');
  if (!entry)
    throw new Error(
      `PostgreSQL refuses to run as root and there is no \`postgres\` user: ${INSTALL}`,
    );
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

/** This environment without PG* variables (PGDATA, PGPORT...), which would redirect the tools. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PG')));
}

/** Runs a tool to its end; rejects with its output unless it exits with 0. */
async function runToExit(options: Parameters<typeof ManagedProcess.spawn>[0]): Promise<void> {
  const tool = await ManagedProcess.spawn(options);
  const status = await tool.exited;
  if (status.code !== 0)
    throw new Error(`${options.name} exited with ${status.code ?? status.signal}: ${tool.tail()}`);
}
