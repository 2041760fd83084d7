import { compareMessageIds, type Message } from '@chat/shared';
import { createRoom, registerUser } from './clients';
import { ClientClosed, ResilientClient } from './resilient-client';
import { addressesOnDistinctInstances, agentFrom, instanceBehind } from './source-address';

/**
 * `count` new users, each with a resilient client through the balancer from
 * its own loopback address (so each lands on a different instance), all in
 * one new room, with a first message seen by everyone: each client has a
 * cursor to rejoin from. `instances[i]` is where client i landed.
 */
export async function resilientRoom(balancerUrl: string, count: number) {
  const addresses = await addressesOnDistinctInstances(balancerUrl, count);
  const users = [];
  for (let i = 0; i < count; i += 1) users.push(await registerUser(balancerUrl));
  const roomId = await createRoom(balancerUrl, users[0]!.token);
  const clients = users.map(
    (user, i) =>
      new ResilientClient(balancerUrl, user.token, roomId, { agent: agentFrom(addresses[i]!) }),
  );
  await Promise.all(clients.map((client) => client.ready()));
  await clients[0]!.send('first', 'first');
  await Promise.all(clients.map((client) => client.waitForCount(1)));
  const instances = await Promise.all(
    addresses.map((address) => instanceBehind(balancerUrl, address)),
  );
  return { clients, users, roomId, instances };
}

/**
 * Continuous traffic between resilient clients in one room, and the check
 * every fault test ends with: every acked message reached every client
 * exactly once, in the room's order, with nothing else in between.
 */
export class Traffic {
  private sending = false;
  private loops: Promise<void>[] = [];
  /** What each client had received before the traffic started (the room's earlier messages). */
  private earlier: string[][] = [];
  /** How many acks each client had before the traffic started (those are in `earlier`). */
  private ackedBefore: number[] = [];
  /** The first error a client's sending loop ended with (a send never acked, or refused). */
  private failure: unknown;

  constructor(private readonly clients: ResilientClient[]) {}

  start(): void {
    this.sending = true;
    this.earlier = this.clients.map((client) => client.received.map((message) => message.id));
    this.ackedBefore = this.clients.map((client) => client.acked.length);
    this.loops = this.clients.map(async (client, c) => {
      try {
        for (let i = 0; this.sending; i += 1)
          await client.send(`client ${c} message ${i}`, `traffic-${c}-${i}`);
      } catch (error) {
        // A test that failed closed its clients without stopping the traffic: the loop ends
        // (nothing keeps sending, or keeps Jest from exiting). Any other failure is stop()'s.
        if (!(error instanceof ClientClosed)) this.failure ??= error;
      }
    });
  }

  /**
   * Stops sending and returns what was acked since start, in room order, without checking
   * delivery (a fault that may lose acked writes measures the loss itself).
   */
  async stop(): Promise<Message[]> {
    this.sending = false;
    await Promise.all(this.loops);
    if (this.failure) throw this.failure;
    return this.clients
      .flatMap((client, c) => client.acked.slice(this.ackedBefore[c]))
      .sort((a, b) => compareMessageIds(a.id, b.id));
  }

  /** Stops sending, waits for every acked message everywhere, and returns them in room order. */
  async stopAndVerify(): Promise<Message[]> {
    const acked = await this.stop();
    if (new Set(acked.map((message) => message.id)).size !== acked.length) {
      throw new Error('two acks carried the same message id');
    }
    for (const [c, client] of this.clients.entries()) {
      const expected = [...this.earlier[c]!, ...acked.map((message) => message.id)];
      await client.waitForCount(expected.length);
      const received = client.received.map((message) => message.id);
      if (JSON.stringify(received) !== JSON.stringify(expected)) {
        const missing = expected.filter((id) => !received.includes(id)).length;
        const extra = received.length - expected.length + missing;
        const at = expected.findIndex((id, i) => received[i] !== id);
        throw new Error(
          `delivery mismatch at client ${c}: ${missing} missing, ${extra} duplicated or unexpected, ` +
            `of ${expected.length}; first difference at ${at}: expected ` +
            `${expected.slice(at, at + 3).join(' ')}, received ${received.slice(at, at + 3).join(' ')} ` +
            `(disconnects: ${client.disconnectReasons.join(', ') || 'none'})`,
        );
      }
    }
    return acked;
  }
}
