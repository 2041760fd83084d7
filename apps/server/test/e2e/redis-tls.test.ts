import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RedisServer, ServerProcess } from '@chat/testkit';
import { connect, createRoom, Inbox, join, registerUser, send } from '../support/clients';

/*
 * Hosted Redis as Aiven and similar services run it: TLS with a CA of their
 * own, an ACL user and a password. A local redis-server plays that part with
 * a CA this test makes with openssl. Secrets never reach the logs.
 */

const PASSWORD = 'pa55-Sup3r-s3cret';
const dir = mkdtempSync(path.join(tmpdir(), 'chat-tls-'));
const file = (name: string) => path.join(dir, name);
let redis: RedisServer;
let tlsPort: number;
const servers: ServerProcess[] = [];

function makeCertificates(): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=Test Chat CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    file('redis.key'),
    '-out',
    file('redis.csr'),
  );
  writeFileSync(file('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    file('redis.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    file('san.ext'),
    '-out',
    file('redis.pem'),
  );
}

beforeAll(async () => {
  makeCertificates();
  redis = await RedisServer.start({
    tls: { certFile: file('redis.pem'), keyFile: file('redis.key'), caFile: file('ca.pem') },
    args: [
      // The default user is locked; the app uses its own ACL user, as on Aiven.
      '--requirepass',
      'admin-only-password',
      '--user',
      'chatapp',
      'on',
      `>${PASSWORD}`,
      '~*',
      '&*',
      '+@all',
    ],
  });
  tlsPort = redis.tlsPort!;
}, 30_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop('SIGKILL')));
  await redis.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const tlsUrl = (password: string) => `rediss://chatapp:${password}@localhost:${tlsPort}`;

test('instances on rediss:// with an ACL user, a password and a private CA relay to each other', async () => {
  for (let i = 0; i < 2; i += 1) {
    servers.push(
      await ServerProcess.start({
        REDIS_URL: tlsUrl(PASSWORD),
        REDIS_TLS_CA: file('ca.pem'),
        MESSAGE_RATE_PER_SEC: '0',
        INSTANCE_ID: `tls-${i}`,
      }),
    );
  }
  const [a, b] = servers as [ServerProcess, ServerProcess];
  const alice = await registerUser(a.url);
  const bob = await registerUser(b.url);
  const roomId = await createRoom(a.url, alice.token);
  const aliceSocket = await connect(a.url, alice.token);
  const bobSocket = await connect(b.url, bob.token);
  const inbox = new Inbox(bobSocket);
  await join(aliceSocket, roomId);
  await join(bobSocket, roomId);
  const message = await send(aliceSocket, roomId, 'over TLS');
  expect(await inbox.waitFor(1)).toEqual([message]);
  aliceSocket.close();
  bobSocket.close();

  for (const server of servers) {
    expect(server.output).toContain(`rediss://chatapp:***@localhost:${tlsPort}`);
    expect(server.output).not.toContain(PASSWORD);
    expect(server.output).not.toContain(alice.token);
    expect(server.output).not.toContain('over TLS');
  }
});

test('a wrong password stops the instance at start-up with a clear message and exit code 1', async () => {
  const failure = ServerProcess.start({
    REDIS_URL: tlsUrl('wrong-password'),
    REDIS_TLS_CA: file('ca.pem'),
  });
  const error = await failure.then(
    () => new Error('started'),
    (reason: Error) => reason,
  );
  expect(error.message).toMatch(/exited with 1/);
  expect(error.message).toMatch(/refused the credentials/);
  expect(error.message).toContain('rediss://chatapp:***@');
  expect(error.message).not.toContain('wrong-password');
});

test('a server certificate that the CA does not vouch for stops the instance, without a secret in sight', async () => {
  const failure = ServerProcess.start({
    REDIS_URL: tlsUrl(PASSWORD),
    REDIS_CONNECT_TIMEOUT_MS: '1500',
  });
  const error = await failure.then(
    () => new Error('started'),
    (reason: Error) => reason,
  );
  expect(error.message).toMatch(/exited with 1/);
  expect(error.message).toMatch(/could not reach redis/);
  expect(error.message).not.toContain(PASSWORD);
});
