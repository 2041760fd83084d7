import { render } from '@testing-library/react';
import { MessageText } from '../components/message-text';

function renderText(text: string, own = false): HTMLElement {
  const { container } = render(
    <div data-testid="message-text">
      <MessageText text={text} own={own} />
    </div>,
  );
  return container.firstElementChild as HTMLElement;
}

describe('MessageText formatting', () => {
  it('renders bold, italic, inline code and links as elements, the text otherwise unchanged', () => {
    const root = renderText('**bold** _it_ `x<y` see https://example.com/a_b');
    expect(root.querySelector('strong')?.textContent).toBe('bold');
    expect(root.querySelector('em')?.textContent).toBe('it');
    expect(root.querySelector('code')?.textContent).toBe('x<y');
    expect(root.querySelector('a')?.getAttribute('href')).toBe('https://example.com/a_b');
    expect(root.textContent).toBe('bold it x<y see https://example.com/a_b');
  });

  it('nests bold and italic, and wraps a link', () => {
    const root = renderText('**a _b_ https://example.com**');
    expect(root.querySelector('strong > em')?.textContent).toBe('b');
    expect(root.querySelector('strong > a')?.getAttribute('href')).toBe('https://example.com/');
  });

  it('renders a code block in <pre><code>, with its language as a label and nothing inside formatted', () => {
    const root = renderText('look:\n```ts\nconst a = **b** + `c`; // https://x.test\n```\ndone');
    const block = root.querySelector('[data-testid="message-code-block"]') as HTMLElement;
    expect(block.querySelector('[data-testid="message-code-language"]')?.textContent).toBe('ts');
    const code = block.querySelector('pre > code') as HTMLElement;
    expect(code.textContent).toBe('const a = **b** + `c`; // https://x.test');
    expect(code.children).toHaveLength(0);
    expect(block.querySelector('pre')?.tabIndex).toBe(0);
    expect(root.querySelector('a')).toBeNull();
    expect(root.textContent).toBe('look:tsconst a = **b** + `c`; // https://x.testdone');
  });

  it('never parses markup: tags, even inside formatting or code, are text', () => {
    const text =
      '**<b>x</b>** _<script>window.__pwned=1</script>_ `<img src=x onerror=alert(1)>`\n' +
      '```html\n<iframe src="javascript:alert(1)"></iframe>\n```';
    const root = renderText(text);
    for (const tag of ['b', 'script', 'img', 'iframe']) {
      expect(root.querySelector(tag)).toBeNull();
    }
    expect(root.querySelector('[onerror]')).toBeNull();
    expect(root.querySelector('strong')?.textContent).toBe('<b>x</b>');
    expect(root.querySelector('em')?.textContent).toBe('<script>window.__pwned=1</script>');
    expect(root.querySelector('pre code')?.textContent).toBe(
      '<iframe src="javascript:alert(1)"></iframe>',
    );
    expect((window as { __pwned?: unknown }).__pwned).toBeUndefined();
  });

  it('keeps the link colour of one’s own bubble', () => {
    const own = renderText('https://example.com', true).querySelector('a') as HTMLElement;
    const other = renderText('https://example.com', false).querySelector('a') as HTMLElement;
    expect(own.className).toContain('text-white');
    expect(other.className).toContain('text-sky-700');
  });

  it('renders a 4,000-character crafted message whole', () => {
    const text = '**_`**'.repeat(666) + 'done';
    const root = renderText(text);
    expect(root.textContent?.endsWith('done')).toBe(true);
    expect(root.querySelectorAll('*').length).toBeLessThan(text.length);
  });
});
