import pino from 'pino';
import { configWith, type Config } from '../../src/config';
import { createChatServer, type ChatServer } from '../../src/server';

/**
 * Several chat server instances in this process, each with its own Redis
 * connections (or one embedded instance when no Redis URL is given), on
 * free ports, silent.
 */
export class TestCluster {
  /** Every log line of every instance, when started with `captureLogs`; empty otherwise. */
  readonly logLines: string[] = [];

  private constructor(readonly servers: ChatServer[]) {}

  /**
   * `captureLogs`: every instance logs everything (level trace) into `logLines`, through a plain
   * pino logger without the production redact list, so a test sees exactly what the server code
   * itself puts in its log lines.
   */
  static async start(
    count: number,
    redisUrl: string | undefined,
    overrides: Partial<Config> = {},
    options: { captureLogs?: boolean } = {},
  ): Promise<TestCluster> {
    const cluster = new TestCluster([]);
    for (let i = 0; i < count; i += 1) {
      const config = configWith({
        port: 0,
        host: '127.0.0.1',
        redisUrl,
        logLevel: options.captureLogs ? 'trace' : 'silent',
        messageRatePerSec: 0,
        instanceId: `test-${i}`,
        redisKeyPrefix: 'chat:',
        ...overrides,
      });
      const logger = options.captureLogs
        ? pino(
            { level: 'trace', base: { instance: config.instanceId } },
            { write: (line: string) => cluster.logLines.push(line) },
          )
        : undefined;
      const server = await createChatServer(config, { logger });
      await server.listen();
      cluster.servers.push(server);
    }
    return cluster;
  }

  /** Instance `index`'s URL; with fewer instances, wraps around (embedded mode has one). */
  url(index: number): string {
    return `http://127.0.0.1:${this.servers[index % this.servers.length]!.port()}`;
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.close()));
  }
}

/**
 * The topologies a feature test runs on: two instances sharing a real Redis,
 * and the embedded single node. Tests address "instance 0" and "instance 1";
 * on the single node both are the same server.
 */
export function topologies(
  overrides: Partial<Config> = {},
): [string, (redisUrl: () => string) => Promise<TestCluster>][] {
  return [
    ['two instances on Redis', (redisUrl) => TestCluster.start(2, redisUrl(), overrides)],
    ['embedded single node', () => TestCluster.start(1, undefined, overrides)],
  ];
}
