'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ApiClient } from '../lib/api';
import { SearchSession, type SearchState } from '../lib/search-session';

/** The search field's store (see SearchSession), for the life of the component. */
export function useSearch(api: ApiClient): { search: SearchState; session: SearchSession } {
  const [session] = useState(() => new SearchSession((page, signal) => api.search(page, signal)));
  // Leaving (logging out) cancels what is still on its way.
  useEffect(() => () => session.clear(), [session]);
  const search = useSyncExternalStore(session.subscribe, session.getSnapshot, session.getSnapshot);
  return { search, session };
}
