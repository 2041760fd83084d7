import { createRoom, registerUser, uniqueName } from '../../server/test/support/clients';
import { openPage, stackForSuite } from './support/stack';
import { logIn, roomItem } from './support/ui';

/*
 * Regression: GET /api/rooms now answers in pages of ROOMS_PAGE_MAX rooms, and a web app that
 * read only the first page would show a user just the first ROOMS_PAGE_MAX of their rooms. The
 * room list follows `nextCursor` through every page.
 */

jest.setTimeout(60_000);

const stack = stackForSuite(1, { ROOMS_PAGE_MAX: '2' });

test('the sidebar lists every room, over several pages of GET /api/rooms', async () => {
  const url = stack.cluster.url(0);
  const user = await registerUser(url);
  const names = Array.from({ length: 5 }, () => uniqueName('paged'));
  for (const [i, name] of names.entries())
    await createRoom(url, user.token, name, i % 2 === 0 ? 'public' : 'private');
  const { page, context } = await openPage(stack, 0);
  try {
    await logIn(page, user.user.username);
    for (const name of names) await roomItem(page, name).waitFor();
  } finally {
    await context.close();
  }
});
