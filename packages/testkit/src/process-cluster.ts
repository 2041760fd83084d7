import { freePorts } from './free-port';
import { Nginx, type NginxOptions } from './nginx';
import { RedisCluster, type RedisClusterOptions } from './redis-cluster';
import { RedisServer, type RedisOptions } from './redis-server';
import { ServerProcess, type ServerProcessOptions } from './server-process';
import type { Service } from './service';
import { WebApp, type WebAppOptions } from './web-app';

export interface ProcessClusterOptions {
  instances: number;
  /**
   * Where the instances keep their state: a redis-server of its own (default: `{}`); a Redis
   * Cluster of its own (`{ cluster: {...} }`: the instances get REDIS_MODE=cluster and the
   * node list as REDIS_URL); or the URL of a Redis it does not own (`mode: 'cluster'` when
   * that URL is a Redis Cluster's seed list).
   */
  redis?: RedisOptions | { url: string; mode?: RedisMode } | { cluster: RedisClusterOptions };
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

/** REDIS_MODE of the server and the archiver (apps/server/src/config.ts). */
export type RedisMode = 'single' | 'cluster';

/**
 * The chat as it is deployed, as real processes: Redis (one redis-server or a Redis
 * Cluster), N server instances sharing it, optionally the web app and nginx in front.
 * Started in that order, each part only once the one before it serves; destroyed in reverse.
 */
export class ProcessCluster implements Service {
  readonly name = 'cluster';
  /** The instances; a test may replace one it restarted, and destroy() stops what is here then. */
  readonly servers: ServerProcess[] = [];
  private ownRedis: RedisServer | undefined;
  private ownRedisCluster: RedisCluster | undefined;
  private redisUrl = '';
  /** Unset: the instances inherit REDIS_MODE (single unless this process's environment says). */
  private mode: RedisMode | undefined;
  private web: WebApp | undefined;
  private balancer: Nginx | undefined;

  private constructor(private readonly killOnDestroy: boolean) {}

  static async start(options: ProcessClusterOptions): Promise<ProcessCluster> {
    const cluster = new ProcessCluster(options.killOnDestroy ?? false);
    try {
      const redis = options.redis ?? {};
      if ('url' in redis) {
        cluster.redisUrl = redis.url;
        cluster.mode = redis.mode;
      } else if ('cluster' in redis) {
        cluster.ownRedisCluster = await RedisCluster.start(redis.cluster);
        cluster.redisUrl = cluster.ownRedisCluster.url;
        cluster.mode = 'cluster';
      } else {
        cluster.ownRedis = await RedisServer.start(redis);
        cluster.redisUrl = cluster.ownRedis.url;
      }
      const free = options.port ? [] : await freePorts(options.instances);
      const started = await Promise.all(
        Array.from({ length: options.instances }, (_, index) =>
          ServerProcess.start(
            { ...cluster.redisEnv, ...options.env?.(index) },
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

  /** The redis-server it started (throws when given a URL or a Redis Cluster instead). */
  get redis(): RedisServer {
    if (!this.ownRedis) throw new Error('this cluster runs on a Redis it does not own');
    return this.ownRedis;
  }

  /** The Redis Cluster it started (throws unless started with `redis: { cluster }`). */
  get redisCluster(): RedisCluster {
    if (!this.ownRedisCluster) throw new Error('this cluster was not started on a Redis Cluster');
    return this.ownRedisCluster;
  }

  /** REDIS_URL of the instances: one URL, or a Redis Cluster's comma-separated node list. */
  get redisAddress(): string {
    return this.redisUrl;
  }

  /** REDIS_MODE of the instances, when this cluster chose one (unset: inherited). */
  get redisMode(): RedisMode | undefined {
    return this.mode;
  }

  /**
   * What every process of this deployment needs to reach its Redis (REDIS_URL, and
   * REDIS_MODE when chosen): the instances get it, and so should an archiver started beside.
   */
  get redisEnv(): { REDIS_URL: string; REDIS_MODE?: RedisMode } {
    return { REDIS_URL: this.redisUrl, ...(this.mode ? { REDIS_MODE: this.mode } : {}) };
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
      ...(this.ownRedisCluster ? [this.ownRedisCluster] : []),
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
    await this.ownRedisCluster?.destroy();
  }
}
