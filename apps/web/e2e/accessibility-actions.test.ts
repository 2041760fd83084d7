import type { Message } from '@chat/shared';
import {
  call,
  connect,
  createRoom,
  http,
  join,
  registerUser,
  send,
  type ClientSocket,
} from '../../server/test/support/clients';
import { expectAccessible } from './support/a11y';
import { artifactPath, openPage, stackForSuite } from './support/stack';
import { logIn, openRoom, sentMessage } from './support/ui';

/*
 * Issue 14's screens under the same audit as the rest (axe-core in real Chromium, WCAG 2.x A
 * and AA, light and dark; e2e/accessibility.test.ts audits the others): a conversation that
 * uses everything (reactions, a reply, an edit, a delete, a mention, formatting), a message's
 * toolbar, the emoji picker, the inline editor, the delete confirmation, the @-mention list
 * and the members panel. The same conversation is saved as the README's screenshots
 * (test-artifacts/showcase-light.png and showcase-dark.png; docs/screenshot*.png are copies).
 */

jest.setTimeout(120_000);

const stack = stackForSuite(1, () => ({ RATE_LIMITS: 'off' }));

let ana: { username: string; token: string; socket: ClientSocket };
let ben: { username: string; token: string; socket: ClientSocket };
let roomName: string;
let teamName: string;

/** Acks of the change events, checked: a refused change would leave a screenshot without it. */
async function change<E extends 'reaction:add' | 'message:edit' | 'message:delete'>(
  socket: ClientSocket,
  event: E,
  payload: Parameters<typeof call<E>>[2],
): Promise<void> {
  const ack = (await call(socket, event, payload)) as { ok: boolean };
  if (!ack.ok) throw new Error(`${event} refused: ${JSON.stringify(ack)}`);
}

beforeAll(async () => {
  const base = stack.cluster.url(0);
  const [anaAuth, benAuth] = await Promise.all([
    // The suite's own Redis: plain names, as the screenshots show them.
    registerUser(base, 'ana'),
    registerUser(base, 'ben'),
  ]);
  ana = { ...anaAuth.user, token: anaAuth.token, socket: await connect(base, anaAuth.token) };
  ben = { ...benAuth.user, token: benAuth.token, socket: await connect(base, benAuth.token) };
  roomName = 'launch';
  teamName = 'release-team';
  const room = await createRoom(base, ana.token, roomName, 'public');
  const team = await createRoom(base, ana.token, teamName, 'private');
  await http(base, 'POST', `/api/rooms/${team}/members`, {
    token: ana.token,
    body: { username: ben.username },
  });
  await Promise.all([join(ana.socket, room), join(ben.socket, room), join(ana.socket, team)]);

  const plan = await send(ben.socket, room, 'Launch plan for **Friday**: docs, _then_ the demo.');
  await change(ana.socket, 'reaction:add', { roomId: room, messageId: plan.id, emoji: '🎉' });
  await change(ben.socket, 'reaction:add', { roomId: room, messageId: plan.id, emoji: '🎉' });
  await change(ana.socket, 'reaction:add', { roomId: room, messageId: plan.id, emoji: '👍' });
  const typo = await send(ana.socket, room, 'I will writ the release notes');
  await change(ana.socket, 'message:edit', {
    roomId: room,
    messageId: typo.id,
    text: 'I will write the release notes tonight',
  });
  const oops = await send(ben.socket, room, 'wrong room, sorry');
  await change(ben.socket, 'message:delete', { roomId: room, messageId: oops.id });
  const reply = await sendWith(ben.socket, {
    roomId: room,
    text: `@${ana.username} can you check the \`build.yml\` step?`,
    clientId: 'reply-1',
    replyTo: typo.id,
  });
  await change(ana.socket, 'reaction:add', { roomId: room, messageId: reply.id, emoji: '👀' });
  await send(ana.socket, room, '```sh\nnpm run build && npm test\n```\nGreen on my machine.');
  await send(ana.socket, team, 'Notes for the team');
}, 90_000);

afterAll(() => {
  ana?.socket.close();
  ben?.socket.close();
});

async function sendWith(
  socket: ClientSocket,
  payload: { roomId: string; text: string; clientId: string; replyTo: string },
): Promise<Message> {
  const ack = (await call(socket, 'message:send', payload)) as {
    ok: boolean;
    message?: Message;
  };
  if (!ack.ok || !ack.message) throw new Error(`send refused: ${JSON.stringify(ack)}`);
  return ack.message;
}

test('a conversation using everything, its toolbar, picker, editor and confirmation; saved as the README screenshots', async () => {
  const { page, context, log } = await openPage(stack, 0);
  try {
    await logIn(page, ana.username);
    await openRoom(page, roomName);
    await page.locator('[data-testid="reaction-chip"][data-emoji="🎉"][data-count="2"]').waitFor();
    await page.getByTestId('reply-quote').waitFor();
    await page.getByTestId('message-edited').waitFor();
    await page.getByTestId('message-deleted').waitFor();
    await page.locator('[data-testid="message-code-block"]').waitFor();
    await expectAccessible(page, 'a conversation with reactions, a reply, an edit and a delete');
    await page.getByTestId('composer-input').click();
    await page.screenshot({ path: artifactPath('showcase-light.png') });

    const own = await sentMessage(page, 'I will write the release notes tonight');
    await own.hover();
    await own.getByTestId('message-actions').waitFor();
    await expectAccessible(page, "a message's toolbar", { colorSchemes: ['light'] });

    await own.getByTestId('more-reactions').click();
    await page.getByTestId('emoji-picker').waitFor();
    await expectAccessible(page, 'the emoji picker');
    await page.keyboard.press('Escape');
    await page.getByTestId('emoji-picker').waitFor({ state: 'detached' });

    await own.hover();
    await own.getByTestId('action-edit').click();
    await page.getByTestId('message-editor-input').waitFor();
    await expectAccessible(page, 'the inline editor');
    await page.keyboard.press('Escape');
    await page.getByTestId('message-editor').waitFor({ state: 'detached' });

    await own.hover();
    await own.getByTestId('action-delete').click();
    await page.getByTestId('confirm-delete').waitFor();
    await expectAccessible(page, 'the delete confirmation');
    await page.keyboard.press('Escape');
    await page.getByTestId('confirm-delete').waitFor({ state: 'detached' });

    await page.getByTestId('composer-input').fill(`@${ben.username.slice(0, 3)}`);
    await page.locator(`[data-testid="mention-option"][data-username="${ben.username}"]`).waitFor();
    await expectAccessible(page, 'the @-mention list');
    await page.getByTestId('composer-input').fill('');

    await openRoom(page, teamName);
    await page.getByTestId('open-members').click();
    await page.locator('[data-testid="member"]').nth(1).waitFor();
    await expectAccessible(page, 'the members panel');
    expect(log.errors).toEqual([]);
    expect(log.cspViolations).toEqual([]);
  } finally {
    await context.close();
  }

  const dark = await openPage(stack, 0, { colorScheme: 'dark' });
  try {
    await logIn(dark.page, ben.username);
    await openRoom(dark.page, roomName);
    await dark.page.getByTestId('reply-quote').waitFor();
    await dark.page.locator('[data-testid="message-code-block"]').waitFor();
    await dark.page.getByTestId('composer-input').click();
    await dark.page.screenshot({ path: artifactPath('showcase-dark.png') });
    expect(dark.log.errors).toEqual([]);
  } finally {
    await dark.context.close();
  }
});
