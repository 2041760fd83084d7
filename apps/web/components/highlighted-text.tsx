import { memo } from 'react';
import type { TextSegment } from '../lib/search-highlight';

/**
 * Text with its matched words in <mark> elements: React text nodes and
 * elements only, so nothing in the text is ever parsed as HTML.
 */
export const HighlightedText = memo(function HighlightedText({
  segments,
}: {
  segments: readonly TextSegment[];
}) {
  return (
    <>
      {segments.map((segment, index) =>
        segment.match ? (
          <mark
            key={index}
            className="rounded-xs bg-amber-200 px-0.5 text-inherit dark:bg-amber-400/30 dark:text-amber-100"
            data-testid="search-match"
          >
            {segment.text}
          </mark>
        ) : (
          segment.text
        ),
      )}
    </>
  );
});
