import { call, createRoom, http } from '../support/clients';
import { useCluster } from '../support/cluster';

/*
 * A room id such as `<uuid>:members` was looked up as the key `room:<uuid>:members`
 * (a set, not a room hash): Redis answered WRONGTYPE, the caller got `internal`
 * and every such event logged an error; ids that are not UUIDs are now unknown
 * rooms (`not_found`) without touching a key.
 */

const cluster = useCluster({ instances: 1, captureLogs: true });

test("ids that address a room's other keys are not_found, over the socket and HTTP, with no error logged", async () => {
  const alice = await cluster.userOn(0);
  const roomId = await createRoom(cluster.url(0), alice.token);
  const logsBefore = cluster.logLines.length;
  for (const crafted of [`${roomId}:members`, `${roomId}:messages`]) {
    expect(await call(alice.socket, 'room:join', { roomId: crafted })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'room not found' },
    });
    const history = await http(cluster.url(0), 'GET', `/api/rooms/${crafted}/messages`, {
      token: alice.token,
    });
    expect(history).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'room not found' } },
    });
  }
  const errors = cluster.logLines
    .slice(logsBefore)
    .map((line) => JSON.parse(line) as { level: number; msg?: string })
    .filter((entry) => entry.level >= 50);
  expect(errors).toEqual([]);
  // The real room still works.
  expect(await call(alice.socket, 'room:join', { roomId })).toMatchObject({ ok: true });
});
