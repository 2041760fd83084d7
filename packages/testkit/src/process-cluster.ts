import { freePorts } from './free-port';
import { Nginx, type NginxOptions } from './nginx';
import { RedisServer, type RedisOptions } from './redis-server';
import { ServerProcess, type ServerProcessOptions } from './server-process';
import type { Service } from './service';
import { WebApp, type WebAppOptions } from './web-app';

export interface ProcessClusterOptions {
  instances: number;
  /** A redis-server of its own (default: `{}`), or the URL of one it does not own. */
  redis?: RedisOptions | { url: string };
  /** Environment of instance `index`, over REDIS_URL and this process's. */
  env?: (index: number) => Record<string, string | undefined>;
  /** Port of instance `index`; default: free ports. */
  port?: (index: number) => number;
  /** How instance `index` starts (log file, when it counts as started). */
  serverOptions?: (index: number) => ServerProcessOptions;
  /** The web app, started after the instances (CHAT_SERVER_URL '' when behind nginx). */
  web?: WebAppOptions;
  /** nginx in front of the instances (and of the web app, if any); default: none. */
  nginx?: Omit<NginxOptions, 'upstreamPorts' | 'webAddress'>;
  /** destroy() SIGKILLs the instances instead of letting them drain (for tests). */
  killOnDestroy?: boolean;
}

/**
 * The chat as it is deployed, as real processes: Redis, N server instances
 * sharing it, optionally the web app and nginx in front. Started in that
 * order, each part only once the one before it serves; destroyed in reverse.
 */
export class ProcessCluster implements Service {
  readonly name = 'cluster';
  /** The instances; a test may replace one it restarted, and destroy() stops what is here then. */
  readonly servers: ServerProcess[] = [];
  private ownRedis: RedisServer | undefined;
  private redisUrl = '';
  private web: WebApp | undefined;
  private balancer: Nginx | undefined;

  private constructor(private readonly killOnDestroy: boolean) {}

  static async start(options: ProcessClusterOptions): Promise<ProcessCluster> {
    const cluster = new ProcessCluster(options.killOnDestroy ?? false);
    try {
      const redis = options.redis ?? {};
      if ('url' in redis) cluster.redisUrl = redis.url;
      else {
        cluster.ownRedis = await RedisServer.start(redis);
        cluster.redisUrl = cluster.ownRedis.url;
      }
      const free = options.port ? [] : await freePorts(options.instances);
      const started = await Promise.all(
        Array.from({ length: options.instances }, (_, index) =>
          ServerProcess.start(
            { REDIS_URL: cluster.redisUrl, ...options.env?.(index) },
            options.port?.(index) ?? free[index],
            options.serverOptions?.(index),
          ),
        ),
      );
      cluster.servers.push(...started);
      if (options.web) cluster.web = await WebApp.start(options.web);
      if (options.nginx) {
        cluster.balancer = await Nginx.start({
          ...options.nginx,
          upstreamPorts: cluster.servers.map((server) => server.port),
          ...(options.web ? { webAddress: `127.0.0.1:${options.web.port}` } : {}),
        });
      }
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** The balancer's URL with nginx, otherwise instance 0's. */
  get url(): string {
    return this.balancer?.url ?? this.servers[0]!.url;
  }

  /** The redis-server it started (throws when given a URL instead). */
  get redis(): RedisServer {
    if (!this.ownRedis) throw new Error('this cluster runs on a Redis it does not own');
    return this.ownRedis;
  }

  get redisAddress(): string {
    return this.redisUrl;
  }

  get nginx(): Nginx {
    if (!this.balancer) throw new Error('this cluster was started without nginx');
    return this.balancer;
  }

  get webApp(): WebApp | undefined {
    return this.web;
  }

  /** Every part, in start order. */
  get parts(): Service[] {
    return [
      ...(this.ownRedis ? [this.ownRedis] : []),
      ...this.servers,
      ...(this.web ? [this.web] : []),
      ...(this.balancer ? [this.balancer] : []),
    ];
  }

  async destroy(): Promise<void> {
    await this.balancer?.destroy();
    await this.web?.destroy();
    await Promise.all(
      this.servers.map((server) =>
        this.killOnDestroy ? server.stop('SIGKILL') : server.destroy(),
      ),
    );
    await this.ownRedis?.destroy();
  }
}
