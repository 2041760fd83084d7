import {
  connect,
  createRoom,
  Inbox,
  join,
  registerUser,
  send,
  uniqueName,
  type ClientSocket,
} from '../../support/clients';
import type { Message } from '@chat/shared';

/*
 * The check every abuse test ends with: whatever the attacker did, ordinary
 * users are still served correctly.
 */

/** Anything that names its instances' URLs: a TestCluster, or a cluster built by a test. */
export interface Instances {
  url(index: number): string;
}

/** Two ordinary users, connected (before an attack, typically), sharing one room. */
export interface Bystanders {
  roomId: string;
  sender: ClientSocket;
  receiver: ClientSocket;
  receiverInbox: Inbox;
  senderId: string;
  close(): void;
}

export async function bystanders(
  cluster: Instances,
  senderInstance: number,
  receiverInstance: number,
): Promise<Bystanders> {
  const alice = await registerUser(cluster.url(senderInstance), uniqueName('calmA'));
  const bob = await registerUser(cluster.url(receiverInstance), uniqueName('calmB'));
  const roomId = await createRoom(cluster.url(senderInstance), alice.token);
  const sender = await connect(cluster.url(senderInstance), alice.token);
  const receiver = await connect(cluster.url(receiverInstance), bob.token);
  await join(sender, roomId);
  await join(receiver, roomId);
  return {
    roomId,
    sender,
    receiver,
    receiverInbox: new Inbox(receiver),
    senderId: alice.user.id,
    close() {
      sender.close();
      receiver.close();
    },
  };
}

/**
 * The bystanders are still connected, and a message from one reaches the
 * other exactly once (other traffic in the room, an attacker's flood for
 * instance, may arrive around it).
 */
export async function expectBystandersServed(
  users: Bystanders,
  text = 'still here',
): Promise<void> {
  expect(users.sender.connected).toBe(true);
  expect(users.receiver.connected).toBe(true);
  const clientId = `calm-${Math.random()}`;
  const arrived = new Promise<Message>((resolve, reject) => {
    const timer = setTimeout(() => {
      users.receiver.off('message:new', listener);
      reject(new Error(`the bystander's message "${text}" did not arrive within 10 s`));
    }, 10_000);
    const listener = (message: Message) => {
      if (message.clientId !== clientId) return;
      clearTimeout(timer);
      users.receiver.off('message:new', listener);
      resolve(message);
    };
    users.receiver.on('message:new', listener);
  });
  const message = await send(users.sender, users.roomId, text, clientId);
  expect(message).toMatchObject({ roomId: users.roomId, userId: users.senderId, text });
  expect(await arrived).toEqual(message);
  expect(
    users.receiverInbox.messages.filter((received) => received.id === message.id),
  ).toHaveLength(1);
}

/**
 * A brand-new user registers on one instance, another on a second; both
 * connect, join a fresh room, and a message goes from one to the other.
 */
export async function expectNewUsersServed(
  cluster: Instances,
  instances: [number, number] = [1, 0],
): Promise<void> {
  const users = await bystanders(cluster, instances[0], instances[1]);
  try {
    await expectBystandersServed(users, 'hello after the attack');
  } finally {
    users.close();
  }
}
