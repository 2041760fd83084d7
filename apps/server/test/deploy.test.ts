import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ENV_VARIABLES, loadConfig } from '../src/config';

/*
 * No Docker engine runs where the tests run, so the container files are
 * checked against the code instead: the compose stack names services and
 * variables the server really has, the nginx config it mounts is the shipped
 * template rendered for it, and the images run as a non-root user.
 */

const deploy = path.join(__dirname, '..', '..', '..', 'deploy');
const read = (name: string) => readFileSync(path.join(deploy, name), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
};
const servers = ['server-1', 'server-2', 'server-3'];

test('the stack has redis, three server instances, postgres and an archiver, the web app and nginx', () => {
  expect(Object.keys(compose.services).sort()).toEqual(
    ['archiver', 'nginx', 'postgres', 'redis', ...servers, 'web'].sort(),
  );
});

test('the archiver runs the server image with the same Redis and the archive the servers use', () => {
  const archiver = compose.services.archiver!;
  expect(archiver.build).toEqual({ context: '..', dockerfile: 'deploy/server.Dockerfile' });
  expect(archiver.command).toEqual(['node', 'apps/archiver/dist/index.js']);
  expect(read('server.Dockerfile')).toContain('COPY --from=build /app/apps/archiver/dist');
  for (const name of servers) {
    const env = compose.services[name]!.environment!;
    expect(archiver.environment!.REDIS_URL).toBe(env.REDIS_URL);
    expect(archiver.environment!.DATABASE_URL).toBe(env.DATABASE_URL);
  }
  expect(loadConfig(archiver.environment).databaseUrl).toMatch(
    /^postgres:\/\/chat:.*@postgres:5432\/chat$/,
  );
  expect(compose.services.postgres!.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
});

test('redis keeps an append-only file on a volume', () => {
  const redis = compose.services.redis!;
  expect(redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
  expect(redis.volumes).toEqual(['redis-data:/data']);
});

test('every server variable is one the server reads, with a valid value and a unique instance id', () => {
  const ids = new Set<string>();
  for (const name of servers) {
    const service = compose.services[name]!;
    expect(service.build).toEqual({ context: '..', dockerfile: 'deploy/server.Dockerfile' });
    const env = service.environment!;
    for (const variable of Object.keys(env)) expect(ENV_VARIABLES).toContain(variable);
    expect(env.DATABASE_URL).toBeDefined();
    const config = loadConfig(env);
    // The ACL user and the password docker compose fills in (test/hardening/deployment.test.ts).
    expect(config.redisUrl).toBe('redis://chat:${REDIS_PASSWORD:?set REDIS_PASSWORD}@redis:6379');
    expect(config.corsOrigins).toContain('http://localhost:8080');
    ids.add(config.instanceId);
  }
  expect(ids).toEqual(new Set(servers));
});

test('nginx publishes port 8080 and mounts the shipped template rendered for the stack', () => {
  const nginx = compose.services.nginx!;
  expect(nginx.ports).toEqual(['8080:8080']);
  expect(nginx.volumes).toEqual(['./nginx.compose.conf:/etc/nginx/nginx.conf:ro']);
  const defaultPort = loadConfig({}).port;
  const rendered = read('nginx.conf.template')
    .replaceAll('{{RUN_DIR}}', '/tmp')
    .replaceAll('{{LB_PORT}}', '8080')
    .replaceAll('{{WEB_ADDRESS}}', 'web:3000')
    .replaceAll(
      '{{UPSTREAM_SERVERS}}',
      servers
        .map((name) => `        server ${name}:${defaultPort} max_fails=1 fail_timeout=5s;`)
        .join('\n'),
    );
  const committed = read('nginx.compose.conf');
  expect(committed.slice(committed.indexOf('\n') + 1)).toBe(rendered);
});

test.each(['server.Dockerfile', 'web.Dockerfile'])(
  '%s builds in stages and runs as a non-root user',
  (file) => {
    const dockerfile = read(file);
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/npm install/);
  },
);

test('the server image exposes the default port and starts the built entry point', () => {
  const dockerfile = read('server.Dockerfile');
  expect(dockerfile).toContain(`EXPOSE ${loadConfig({}).port}`);
  expect(dockerfile).toContain('CMD ["node", "apps/server/dist/index.js"]');
});

test('.env.sample documents every variable the server reads, with its default', () => {
  const sample = readFileSync(path.join(deploy, '..', '.env.sample'), 'utf8');
  const documented = new Map(
    [...sample.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((match) => [match[1]!, match[2]!]),
  );
  // NODE_ENV is the platform's own variable, read only to refuse debug hooks in production.
  for (const variable of ENV_VARIABLES.filter((name) => name !== 'NODE_ENV')) {
    expect([variable, documented.has(variable)]).toEqual([variable, true]);
  }
  // The documented defaults are the defaults: loading them changes nothing.
  const fromSample = Object.fromEntries(
    [...documented].filter(
      ([name, value]) => value !== '' && ENV_VARIABLES.includes(name as never),
    ),
  );
  const defaults = { ...loadConfig({}), instanceId: 'x' };
  expect({ ...loadConfig(fromSample), instanceId: 'x' }).toEqual(defaults);
});
