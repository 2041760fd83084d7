import { render } from '@testing-library/react';
import { MessageText } from '../components/message-text';
import { linkify } from '../lib/linkify';

const join = (text: string) =>
  linkify(text)
    .map((s) => s.text)
    .join('');

describe('linkify', () => {
  it('finds http(s) and www links, and gives the text back unchanged', () => {
    const text = 'see https://example.com/a?b=1&c=2 and www.example.org, or http://x.test:8080/p';
    expect(linkify(text).filter((s) => s.kind === 'link')).toEqual([
      {
        kind: 'link',
        text: 'https://example.com/a?b=1&c=2',
        href: 'https://example.com/a?b=1&c=2',
      },
      { kind: 'link', text: 'www.example.org', href: 'https://www.example.org/' },
      { kind: 'link', text: 'http://x.test:8080/p', href: 'http://x.test:8080/p' },
    ]);
    expect(join(text)).toBe(text);
  });

  it('leaves trailing punctuation and unbalanced brackets out of the link', () => {
    const links = (text: string) =>
      linkify(text)
        .filter((s) => s.kind === 'link')
        .map((s) => s.text);
    expect(links('Go to https://example.com.')).toEqual(['https://example.com']);
    expect(links('(see https://example.com/x)')).toEqual(['https://example.com/x']);
    expect(links('https://en.wikipedia.org/wiki/Foo_(bar)!')).toEqual([
      'https://en.wikipedia.org/wiki/Foo_(bar)',
    ]);
  });

  it('never links other schemes', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<b>x</b>',
      'vbscript:x',
      'ftp://x.test',
    ]) {
      expect(linkify(text)).toEqual([{ kind: 'text', text }]);
    }
  });

  it('does not treat markup as anything but text', () => {
    const text = '<a href="javascript:alert(1)">x</a> <script>alert(1)</script>';
    expect(linkify(text)).toEqual([{ kind: 'text', text }]);
  });
});

describe('MessageText', () => {
  it('renders markup as literal text: no script, no img, no handler', () => {
    const text =
      '<script>window.__pwned=1</script> <img src=x onerror=alert(1)> https://example.com/ok';
    const { container } = render(
      <p data-testid="message-text">
        <MessageText text={text} own={false} />
      </p>,
    );
    const p = container.querySelector('p') as HTMLElement;
    expect(p.textContent).toBe(text);
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('[onerror]')).toBeNull();
    const links = container.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]?.getAttribute('href')).toBe('https://example.com/ok');
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(links[0]?.getAttribute('target')).toBe('_blank');
    expect((window as { __pwned?: unknown }).__pwned).toBeUndefined();
  });

  it('keeps line breaks and white space as written', () => {
    const text = 'line 1\n  line 2';
    const { container } = render(<MessageText text={text} own />);
    expect(container.textContent).toBe(text);
  });
});
