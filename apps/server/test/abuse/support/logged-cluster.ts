import pino from 'pino';
import { configWith, type Config } from '../../../src/config';
import { createChatServer, type ChatServer } from '../../../src/server';

/**
 * Like TestCluster, but every instance logs everything (level trace) into
 * `lines`, through a plain pino logger without the production redact list:
 * what the server code itself puts in its log lines is what a test sees.
 */
export class LoggedCluster {
  readonly lines: string[] = [];

  private constructor(readonly servers: ChatServer[]) {}

  static async start(
    count: number,
    redisUrl: string | undefined,
    overrides: Partial<Config> = {},
  ): Promise<LoggedCluster> {
    const cluster = new LoggedCluster([]);
    for (let i = 0; i < count; i += 1) {
      const config = configWith({
        port: 0,
        host: '127.0.0.1',
        redisUrl,
        logLevel: 'trace',
        messageRatePerSec: 0,
        instanceId: `logged-${i}`,
        ...overrides,
      });
      const logger = pino(
        { level: 'trace', base: { instance: config.instanceId } },
        { write: (line: string) => cluster.lines.push(line) },
      );
      const server = await createChatServer(config, { logger });
      await server.listen();
      cluster.servers.push(server);
    }
    return cluster;
  }

  url(index: number): string {
    return `http://127.0.0.1:${this.servers[index % this.servers.length]!.port()}`;
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.close()));
  }
}
