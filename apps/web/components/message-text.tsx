import { memo } from 'react';
import { linkify } from '../lib/linkify';

/**
 * A message's text: React text nodes, and <a> elements for http(s) links.
 * Nothing is parsed as HTML; the link's href is the URL as parsed by `new URL`,
 * so only http: and https: targets exist.
 */
export const MessageText = memo(function MessageText({
  text,
  own,
}: {
  text: string;
  own: boolean;
}) {
  return (
    <>
      {linkify(text).map((segment, index) =>
        segment.kind === 'link' ? (
          <a
            key={index}
            href={segment.href}
            target="_blank"
            rel="noopener noreferrer nofollow"
            className={`underline decoration-1 underline-offset-2 break-all ${
              own ? 'text-white' : 'text-sky-700 dark:text-sky-300'
            } rounded-xs focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-current`}
            data-testid="message-link"
          >
            {segment.text}
          </a>
        ) : (
          segment.text
        ),
      )}
    </>
  );
});
