'use client';

import { useCallback, useEffect, useState } from 'react';
import type { User } from '@chat/shared';
import { errorMessage, type ApiClient } from '../lib/api';
import type { ListedRoom } from '../lib/room-list';

export interface RoomMembers {
  /** Null while not loaded, or for a public room (everyone may read it). */
  members: readonly User[] | null;
  error: string | null;
  reload: () => void;
}

/**
 * Who is in a private room or DM (GET /api/rooms/:id/members, Protocol v1.1),
 * read when the room opens and again on `reload` (after adding someone).
 * Public rooms have no member list: nothing is asked.
 */
export function useRoomMembers(api: ApiClient, room: ListedRoom): RoomMembers {
  const [members, setMembers] = useState<readonly User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const listed = room.kind !== 'public';

  useEffect(() => {
    if (!listed) return;
    let cancelled = false;
    api.members(room.id).then(
      (response) => {
        if (cancelled) return;
        setMembers(response.members);
        setError(null);
      },
      (failure: unknown) => {
        if (!cancelled) setError(errorMessage(failure));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, room.id, listed, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { members: listed ? members : null, error: listed ? error : null, reload };
}
