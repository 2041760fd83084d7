'use client';

import { memo, useMemo } from 'react';
import { mentionSegments } from '../lib/mentions';
import { MessageText } from './message-text';

interface Props {
  text: string;
  own: boolean;
  /** Lower-case usernames of the users the message mentions, as far as the app knows them. */
  mentioned: ReadonlySet<string>;
  selfName: string;
}

/**
 * A message's text with the `@name` of each mentioned user highlighted (the
 * reader's own most), around MessageText: the text between mentions renders
 * exactly as MessageText renders any text. A message without known mentions
 * is one MessageText, as before.
 */
export const MentionedText = memo(function MentionedText({
  text,
  own,
  mentioned,
  selfName,
}: Props) {
  const segments = useMemo(
    () => mentionSegments(text, mentioned, selfName),
    [text, mentioned, selfName],
  );
  if (segments.length === 1 && segments[0]?.kind === 'text') {
    return <MessageText text={text} own={own} />;
  }
  return (
    <>
      {segments.map((segment, index) =>
        segment.kind === 'text' ? (
          <MessageText key={index} text={segment.text} own={own} />
        ) : (
          <mark
            key={index}
            className={`rounded px-0.5 font-semibold ${
              segment.self
                ? 'bg-amber-200 text-amber-950 dark:bg-amber-400/30 dark:text-amber-100'
                : own
                  ? 'bg-white/20 text-inherit'
                  : 'bg-sky-100 text-sky-900 dark:bg-sky-900/50 dark:text-sky-100'
            }`}
            data-testid={segment.self ? 'mention-self' : 'mention'}
          >
            {segment.text}
          </mark>
        ),
      )}
    </>
  );
});
