import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { Nginx, RedisServer } from '@chat/testkit';
import { loadConfig } from '../../src/config';
import { rawHttp } from '../abuse/support/outcomes';
import { TestCluster } from '../support/cluster';
import { connect, createRoom, http, Inbox, join, registerUser, send } from '../support/clients';

/*
 * The shipped deployment let strangers in: /metrics was public through nginx, and Redis had no
 * password while the web container could reach it (anyone there could mint a session by writing
 * a key); images floated on moving tags and were built with `npm install` from a context with no
 * .dockerignore. No Docker engine runs here: the files are checked against the code, the Redis
 * ACL of the compose file is run on a real redis-server, and the nginx template on a real nginx.
 */

const repo = path.join(__dirname, '..', '..', '..', '..');
const read = (file: string) => readFileSync(path.join(repo, file), 'utf8');
const PASSWORD = 'compose-test-password';

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  networks?: Record<string, { ipv4_address?: string } | null> | string[];
  healthcheck?: { test: string[] };
}
interface Compose {
  services: Record<string, Service>;
  networks: Record<string, { internal?: boolean; ipam?: { config: { subnet: string }[] } }>;
}

/** The compose file as `docker compose` sees it with REDIS_PASSWORD set. */
const compose = parse(
  read('deploy/docker-compose.yml').replace(/\$\{REDIS_PASSWORD(:\?[^}]*)?\}/g, PASSWORD),
  { merge: true },
) as Compose;
const services = Object.entries(compose.services);
const servers = services.filter(([name]) => name.startsWith('server-'));
const networksOf = (service: Service) =>
  Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? {});

test('Redis and PostgreSQL are on internal networks that only the servers and the archiver share with them', () => {
  for (const store of ['redis', 'postgres']) {
    const storeNetworks = networksOf(compose.services[store]!);
    expect(storeNetworks.length).toBeGreaterThan(0);
    for (const network of storeNetworks) {
      expect(compose.networks[network]?.internal).toBe(true);
      const members = services.filter(([, service]) => networksOf(service).includes(network));
      expect(members.map(([name]) => name).sort()).toEqual(
        [store, 'archiver', ...servers.map(([name]) => name)].sort(),
      );
    }
  }
  // Nothing but nginx is published; the web app reaches neither Redis nor the servers.
  for (const [name, service] of services)
    if (name !== 'nginx') expect(service.ports).toBeUndefined();
  const serverNetworks = new Set(servers.flatMap(([, service]) => networksOf(service)));
  for (const network of networksOf(compose.services.web!))
    expect(serverNetworks.has(network)).toBe(false);
});

test('Redis needs a password: the default user is off, the servers log in as an ACL user', () => {
  const command = compose.services.redis!.command!.join(' ');
  expect(command).toMatch(/--user default off/);
  expect(read('deploy/docker-compose.yml')).toContain('${REDIS_PASSWORD:?');
  for (const [, service] of servers) {
    const url = new URL(loadConfig(service.environment).redisUrl!);
    expect([url.username, url.password, url.host]).toEqual(['chat', PASSWORD, 'redis:6379']);
    expect(command).toContain(`--user chat on >${PASSWORD}`);
  }
  expect(compose.services.redis!.healthcheck!.test.join(' ')).toContain('--user chat');
});

test('the servers trust only the address nginx has on their network', () => {
  const nginx = compose.services.nginx!;
  const addresses = Object.values(nginx.networks as Record<string, { ipv4_address?: string }>)
    .map((network) => network?.ipv4_address)
    .filter((address): address is string => address !== undefined);
  expect(addresses).toHaveLength(1);
  for (const [, service] of servers)
    expect(loadConfig(service.environment).trustProxy).toEqual(addresses);
});

test('images are pinned to exact versions, Node on the current LTS (24)', () => {
  for (const [, service] of services) {
    // PostgreSQL's releases are major.minor (17.6); the others' major.minor.patch.
    if (service.image) expect(service.image).toMatch(/^[a-z]+:\d+\.\d+(\.\d+)?-alpine$/);
  }
  for (const file of ['deploy/server.Dockerfile', 'deploy/web.Dockerfile']) {
    const froms = [...read(file).matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) expect(image).toMatch(/^node:24\.\d+\.\d+-bookworm-slim$/);
  }
});

test.each(['deploy/server.Dockerfile', 'deploy/web.Dockerfile'])(
  '%s installs exactly the lock file (npm ci)',
  (file) => {
    const dockerfile = read(file);
    expect(dockerfile).toMatch(/RUN npm ci /);
    expect(dockerfile).not.toMatch(/npm install/);
  },
);

test('.dockerignore keeps secrets, local data and build output out of the build context', () => {
  expect(existsSync(path.join(repo, '.dockerignore'))).toBe(true);
  const ignored = read('.dockerignore').split('\n');
  for (const entry of ['.git', '**/node_modules', '.env', '.data', '**/dist', '**/.next'])
    expect(ignored).toContain(entry);
});

describe("the compose file's Redis ACL on a real redis-server, the shipped nginx in front", () => {
  let redis: RedisServer;
  let cluster: TestCluster;
  let nginx: Nginx;
  const command = compose.services.redis!.command!;
  const aclArgs = command.slice(command.indexOf('--user'));
  const url = () => `redis://chat:${PASSWORD}@127.0.0.1:${redis.port}`;

  beforeAll(async () => {
    redis = await RedisServer.start({ args: aclArgs });
    cluster = await TestCluster.start(1, url());
    nginx = await Nginx.start({ upstreamPorts: [cluster.servers[0]!.port()] });
  });
  afterAll(async () => {
    await nginx?.destroy();
    await cluster?.stop();
    await redis?.destroy();
  });

  test('lets the server do its whole job', async () => {
    const base = cluster.url(0);
    expect((await http(base, 'GET', '/readyz')).status).toBe(200);
    const alice = await registerUser(base);
    const bob = await registerUser(base);
    expect(
      (
        await http(base, 'POST', '/api/auth/login', {
          body: { username: alice.user.username, password: 'correct horse battery' },
        })
      ).status,
    ).toBe(200);
    const roomId = await createRoom(base, alice.token);
    const aliceSocket = await connect(base, alice.token);
    const bobSocket = await connect(base, bob.token);
    try {
      const inbox = new Inbox(bobSocket);
      await join(aliceSocket, roomId);
      await join(bobSocket, roomId);
      const message = await send(aliceSocket, roomId, 'through the ACL');
      expect(await inbox.waitFor(1)).toEqual([message]);
      expect((await http(base, 'GET', '/api/rooms', { token: bob.token })).status).toBe(200);
      expect((await http(base, 'GET', '/api/presence', { token: bob.token })).status).toBe(200);
    } finally {
      aliceSocket.close();
      bobSocket.close();
    }
  });

  test('refuses anonymous clients and administrative commands', async () => {
    // A client that does not log in (raw RESP over TCP, as any process on the network could).
    const anonymous = createConnection(redis.port, '127.0.0.1');
    anonymous.write('GET chat:session:x\r\n');
    const [reply] = (await once(anonymous, 'data')) as [Buffer];
    anonymous.destroy();
    expect(reply.toString()).toMatch(/^-NOAUTH/);
    const chat = new Redis(url(), { maxRetriesPerRequest: 0 });
    try {
      for (const admin of [['FLUSHALL'], ['CONFIG', 'GET', '*'], ['KEYS', '*'], ['ACL', 'LIST']])
        await expect(chat.call(admin[0]!, ...admin.slice(1))).rejects.toThrow(/NOPERM/);
      await expect(chat.set('other-app:key', 'x')).rejects.toThrow(/NOPERM/);
    } finally {
      chat.disconnect();
    }
  });

  test('/metrics is not reachable on the public listener, and is scrapeable on the instance', async () => {
    // Sent as written (no client-side normalisation): nginx normalises before it matches.
    for (const path of ['/metrics', '/metrics?x=1', '/api/../metrics', '//metrics', '/%6detrics']) {
      const response = await rawHttp(nginx.url, { method: 'GET', path });
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.text).not.toContain('chat_');
    }
    const scrape = await fetch(`${cluster.url(0)}/metrics`);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('chat_connections');
  });
});
