'use client';

import { useEffect } from 'react';
import { pageTitle } from '../lib/page-title';
import type { UnreadState } from '../lib/unread';

/** Keeps the page's title counting unread messages: "(3) Chat". */
export function usePageTitle(unread: UnreadState): void {
  const title = pageTitle(unread);
  useEffect(() => {
    document.title = title;
  }, [title]);
}
