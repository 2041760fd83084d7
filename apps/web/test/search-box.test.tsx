import { act, fireEvent, render, screen } from '@testing-library/react';
import type { Message, SearchResponse } from '@chat/shared';
import { SearchBox } from '../components/search-box';
import { ApiError, type ApiClient, type SearchPage } from '../lib/api';
import type { ListedRoom } from '../lib/room-list';
import { msg } from './support/timelines';

/*
 * The search field as a keyboard user meets it: the shortcuts focus it (but
 * `/` stays a character in a text field), results come once typing pauses,
 * arrows choose, Enter opens, Escape closes; each result names its room.
 */

const lobby: ListedRoom = {
  id: 'r1',
  name: 'lobby',
  kind: 'public',
  createdBy: 'u-bob',
  createdAt: '2026-01-01T00:00:00.000Z',
};

const results: Message[] = [
  msg('9-0', { text: 'Hello there' }),
  msg('8-0', { text: 'say hello', roomId: 'gone' }),
];

function setup(
  answer: () => Promise<SearchResponse> = async () => ({ messages: results, hasMore: false }),
) {
  const search = jest.fn((_page: SearchPage, _signal: AbortSignal) => answer());
  const onOpen = jest.fn();
  render(
    <>
      <textarea data-testid="composer" />
      <SearchBox
        api={{ search } as unknown as ApiClient}
        rooms={[lobby]}
        selfUsername="alice"
        activeRoom={lobby}
        onOpen={onOpen}
      />
    </>,
  );
  const input = screen.getByRole('combobox', { name: 'Search messages' });
  return { search, onOpen, input };
}

/** Types `text` and lets the debounce run out and the answer come in. */
async function type(input: HTMLElement, text: string) {
  fireEvent.change(input, { target: { value: text } });
  await act(async () => {
    jest.advanceTimersByTime(300);
  });
}

// jsdom lays nothing out, so it has no scrollIntoView (the list keeps the active result in view).
beforeAll(() => {
  Element.prototype.scrollIntoView = jest.fn();
});
beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('SearchBox', () => {
  it('is focused by Ctrl+K and ⌘K anywhere, and by / outside a text field only', () => {
    const { input } = setup();
    fireEvent.keyDown(document.body, { key: 'k', ctrlKey: true });
    expect(document.activeElement).toBe(input);

    const composer = screen.getByTestId('composer');
    act(() => composer.focus());
    fireEvent.keyDown(composer, { key: '/' });
    expect(document.activeElement).toBe(composer);
    fireEvent.keyDown(composer, { key: 'k', metaKey: true });
    expect(document.activeElement).toBe(input);

    act(() => composer.focus());
    act(() => composer.blur());
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(input);
  });

  it('shows results once typing pauses, with the room named and the matched words marked', async () => {
    const { search, input } = setup();
    act(() => input.focus());
    await type(input, 'hel');
    expect(search).toHaveBeenCalledTimes(1);
    expect(search.mock.calls[0]?.[0]).toEqual({ q: 'hel', limit: 20 });
    const options = screen.getAllByRole('option');
    expect(options).toHaveLength(2);
    expect(options[0]?.textContent).toContain('lobby');
    // A room the list does not hold gets a neutral label.
    expect(options[1]?.textContent).toContain('a room');
    expect(screen.getAllByTestId('search-match').map((m) => m.textContent)).toEqual([
      'Hello',
      'hello',
    ]);
    expect(input.getAttribute('aria-expanded')).toBe('true');

    // "Only in lobby" asks again, limited to the open room.
    fireEvent.click(screen.getByTestId('search-room-only'));
    await act(async () => {
      jest.advanceTimersByTime(300);
    });
    expect(search.mock.calls.at(-1)?.[0]).toEqual({ q: 'hel', roomId: 'r1', limit: 20 });
  });

  it('says so in words when search is not available (no archive), as an alert', async () => {
    const { input } = setup(async () => {
      throw new ApiError(503, 'unavailable', 'search needs an archive');
    });
    act(() => input.focus());
    await type(input, 'hello');
    expect(screen.getByRole('alert').textContent).toBe(
      'Search is not available on this server right now.',
    );
    expect(screen.queryAllByRole('option')).toHaveLength(0);
  });

  it('moves through the results with the arrows, opens with Enter, closes with Escape', async () => {
    const { onOpen, input } = setup();
    act(() => input.focus());
    await type(input, 'hello');
    const selected = () =>
      screen.getAllByRole('option').findIndex((o) => o.getAttribute('aria-selected') === 'true');
    expect(selected()).toBe(0);
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(selected()).toBe(1);
    expect(input.getAttribute('aria-activedescendant')).toBe(screen.getAllByRole('option')[1]?.id);
    fireEvent.keyDown(input, { key: 'ArrowUp' });
    expect(selected()).toBe(0);
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith(results[1]);
    expect(screen.queryByRole('listbox')).toBeNull();

    // Focused again: the same results, until Escape closes them (the text stays).
    act(() => input.focus());
    expect(screen.getAllByRole('option')).toHaveLength(2);
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect((input as HTMLInputElement).value).toBe('hello');
  });
});
