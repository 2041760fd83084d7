import { memo, useMemo, type ReactNode } from 'react';
import { formatMessage, type CodeBlockSegment, type FormatSegment } from '../lib/message-format';

/**
 * A message's text with its light formatting (lib/message-format.ts): React text nodes,
 * <strong>, <em>, <code>, <pre><code> and <a> elements for http(s) links. Nothing is parsed
 * as HTML; a link's href is the URL as parsed by `new URL`, so only http: and https:
 * targets exist. Its parent must allow a block (<pre>) inside: a <div>, not a <p>.
 */
export const MessageText = memo(function MessageText({
  text,
  own,
}: {
  text: string;
  /** The reader's own message: on the accent-coloured bubble. */
  own: boolean;
}) {
  const segments = useMemo(() => formatMessage(text), [text]);
  return <>{renderSegments(segments, own)}</>;
});

function renderSegments(segments: readonly FormatSegment[], own: boolean): ReactNode[] {
  return segments.map((segment, index) => renderSegment(segment, own, index));
}

function renderSegment(segment: FormatSegment, own: boolean, key: number): ReactNode {
  switch (segment.kind) {
    case 'text':
      return segment.text;
    case 'strong':
      return <strong key={key}>{renderSegments(segment.children, own)}</strong>;
    case 'em':
      return <em key={key}>{renderSegments(segment.children, own)}</em>;
    case 'link':
      return <MessageLink key={key} href={segment.href} text={segment.text} own={own} />;
    case 'code':
      return (
        <code
          key={key}
          className={`rounded-sm px-1 py-px font-mono text-[0.9em] ${
            own
              ? 'bg-sky-900 text-sky-50 dark:bg-sky-950'
              : 'bg-zinc-100 text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100'
          }`}
          data-testid="message-code"
        >
          {segment.text}
        </code>
      );
    case 'code-block':
      return <CodeBlock key={key} block={segment} own={own} />;
  }
}

function MessageLink({ href, text, own }: { href: string; text: string; own: boolean }) {
  return (
    <a
      href={href}
      target="_blank"
      rel="noopener noreferrer nofollow"
      className={`underline decoration-1 underline-offset-2 break-all ${
        own ? 'text-white' : 'text-sky-700 dark:text-sky-300'
      } rounded-xs focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-current`}
      data-testid="message-link"
    >
      {text}
    </a>
  );
}

/**
 * A code block: its lines as written, scrolling sideways when one is wider than the bubble
 * (the bubble keeps its width on a phone). Focusable, so that the keyboard can scroll it too.
 */
function CodeBlock({ block, own }: { block: CodeBlockSegment; own: boolean }) {
  return (
    <div
      className={`my-1 max-w-full overflow-hidden rounded-lg first:mt-0 last:mb-0 ${
        own
          ? 'bg-sky-900 text-sky-50 dark:bg-sky-950'
          : 'bg-zinc-100 text-zinc-900 ring-1 ring-zinc-200 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-zinc-700'
      }`}
      data-testid="message-code-block"
    >
      {block.language && (
        <div
          className={`border-b px-3 pt-1 pb-0.5 font-mono text-[11px] ${
            own
              ? 'border-sky-800 text-sky-100'
              : 'border-zinc-200 text-zinc-600 dark:border-zinc-700 dark:text-zinc-300'
          }`}
          data-testid="message-code-language"
        >
          {block.language}
        </div>
      )}
      <pre
        tabIndex={0}
        className={`overflow-x-auto px-3 py-2 font-mono text-[13px] leading-snug whitespace-pre focus-visible:outline-2 focus-visible:-outline-offset-2 ${
          own ? 'focus-visible:outline-white' : 'focus-visible:outline-sky-500'
        }`}
      >
        <code>{block.text}</code>
      </pre>
    </div>
  );
}
