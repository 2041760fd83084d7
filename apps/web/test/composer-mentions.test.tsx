import { fireEvent, render, screen } from '@testing-library/react';
import { Composer } from '../components/composer';
import { EmojiPicker } from '../components/emoji-picker';

/*
 * The keyboard paths of issue 14's composer and picker, as a keyboard user
 * meets them: `@` offers people (arrows choose, Enter takes, Escape closes),
 * Escape cancels a reply, Up in the empty field edits the last message; the
 * picker filters as one types and Enter picks the active emoji.
 */

const people = [
  { id: 'u-bob', username: 'bob' },
  { id: 'u-bobby', username: 'bobby' },
  { id: 'u-alice', username: 'alice' },
];

function composer(overrides: Partial<Parameters<typeof Composer>[0]> = {}) {
  const props = {
    roomName: 'lobby',
    connected: true,
    onSend: jest.fn(),
    onTyping: jest.fn(),
    mentionable: people,
    selfId: 'u-alice',
    ...overrides,
  };
  render(<Composer {...props} />);
  const input = screen.getByTestId('composer-input') as HTMLTextAreaElement;
  const type = (value: string) => {
    input.setSelectionRange(value.length, value.length);
    fireEvent.change(input, { target: { value, selectionStart: value.length } });
  };
  return { props, input, type };
}

describe('the composer with @mentions', () => {
  it('offers people for @, without oneself; arrows choose and Enter takes without sending', () => {
    const { props, input, type } = composer();
    type('hi @b');
    const options = screen.getAllByTestId('mention-option').map((o) => o.dataset.username);
    expect(options).toEqual(['bob', 'bobby']);
    expect(input.getAttribute('aria-activedescendant')).toMatch(/-0$/);
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(input.getAttribute('aria-activedescendant')).toMatch(/-1$/);
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(input.value).toBe('hi @bobby ');
    expect(props.onSend).not.toHaveBeenCalled();
    expect(screen.queryByTestId('mention-suggestions')).toBeNull();
  });

  it('puts the caret right after a mention taken mid-text, at once (before the next key)', () => {
    // A regression: the caret was moved in a later frame, so keys typed at once landed before it.
    const { input } = composer();
    const value = 'hi @bo and more';
    fireEvent.change(input, { target: { value } });
    input.setSelectionRange(6, 6);
    fireEvent.select(input);
    expect(screen.getByTestId('mention-suggestions')).toBeTruthy();
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(input.value).toBe('hi @bob and more');
    expect(input.selectionStart).toBe('hi @bob '.length);
  });

  it('closes the offer with Escape; then Enter sends as usual', () => {
    const { props, input, type } = composer();
    type('@al');
    expect(screen.queryByTestId('mention-suggestions')).toBeNull(); // only oneself matches
    type('@bo');
    expect(screen.getByTestId('mention-suggestions')).toBeTruthy();
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByTestId('mention-suggestions')).toBeNull();
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(props.onSend).toHaveBeenCalledWith('@bo');
  });

  it('cancels a reply with Escape, and edits the last message with Up in the empty field', () => {
    const onCancelReply = jest.fn();
    const onEditLast = jest.fn(() => true);
    const { input } = composer({
      replyTo: { id: '1-0', userId: 'u-bob', username: 'bob', text: 'the question' },
      onCancelReply,
      onEditLast,
    });
    expect(screen.getByTestId('composer-reply').textContent).toContain('the question');
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(onCancelReply).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(input, { key: 'ArrowUp' });
    expect(onEditLast).toHaveBeenCalledTimes(1);
  });
});

describe('the emoji picker', () => {
  // jsdom lays nothing out: scrolling the active emoji into view is a no-op here.
  beforeAll(() => {
    Element.prototype.scrollIntoView = () => {};
  });

  it('filters as one types; arrows move the active emoji; Enter picks it and closes', () => {
    const onPick = jest.fn();
    const onClose = jest.fn();
    render(<EmojiPicker onPick={onPick} onClose={onClose} />);
    const search = screen.getByTestId('emoji-search');
    expect(document.activeElement).toBe(search);
    fireEvent.change(search, { target: { value: 'thumbs' } });
    const shown = screen.getAllByTestId('emoji-option').map((o) => o.dataset.emoji);
    expect(shown).toEqual(['👍', '👎']);
    fireEvent.keyDown(search, { key: 'ArrowRight' });
    fireEvent.keyDown(search, { key: 'Enter' });
    expect(onPick).toHaveBeenCalledWith('👎');
    expect(onClose).toHaveBeenCalled();
  });

  it('closes on Escape without picking', () => {
    const onPick = jest.fn();
    const onClose = jest.fn();
    render(<EmojiPicker onPick={onPick} onClose={onClose} />);
    fireEvent.keyDown(screen.getByTestId('emoji-search'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
    expect(onPick).not.toHaveBeenCalled();
  });
});
