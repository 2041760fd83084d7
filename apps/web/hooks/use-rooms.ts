'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { CreateRoomBody, Room, RoomSummary } from '@chat/shared';
import { errorMessage, type ApiClient } from '../lib/api';
import { removeRoom, upsertRooms, type ListedRoom } from '../lib/room-list';
import type { ChatSocket } from '../lib/socket';

export interface RoomsState {
  rooms: readonly ListedRoom[];
  /** The latest GET /api/rooms answer (a new object on every fetch): the server's unread counts. */
  summaries: Summaries | null;
  loading: boolean;
  error: string | null;
  /** Creates a room and adds it to the list; throws an ApiError on failure. */
  createRoom: (body: CreateRoomBody) => Promise<Room>;
  /** The DM room with `username` (created on first use), added to the list. */
  openDm: (username: string) => Promise<Room>;
  /** Adds `username` to a private room; throws an ApiError on failure. */
  addMember: (roomId: string, username: string) => Promise<void>;
  /** Protocol v1.1: leaves a private room (hides a DM) and drops it from the list; throws on failure. */
  leaveRoom: (roomId: string) => Promise<void>;
  reload: () => void;
}

export interface Summaries {
  rooms: readonly RoomSummary[];
  /**
   * True for the first answer after a (re)connect: events may have been
   * missed (a `room:read` from another device), so its counts replace the
   * local ones. Later answers can only add to what live events counted (the
   * server counts 0 for a public room the user never opened).
   */
  replace: boolean;
}

/**
 * The rooms the user can see: GET /api/rooms, kept current by `room:created`
 * (public rooms) and `room:added` (private rooms and DMs the user joins), and
 * fetched again on every connect to catch up on events missed meanwhile.
 * A room the user leaves, or is removed from (`room:removed`, Protocol v1.1),
 * leaves the list; a hidden DM comes back with `room:added` or the next fetch.
 */
export function useRooms(api: ApiClient, socket: ChatSocket): RoomsState {
  const [rooms, setRooms] = useState<readonly ListedRoom[]>([]);
  const [summaries, setSummaries] = useState<Summaries | null>(null);
  /** A connect happened since the last answer that replaced the counts. */
  const replaceWanted = useRef(true);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let cancelled = false;
    const replace = replaceWanted.current;
    api.listRooms().then(
      (response) => {
        if (cancelled) return;
        if (replace) replaceWanted.current = false;
        setRooms((current) => upsertRooms(current, response.rooms));
        setSummaries({ rooms: response.rooms, replace });
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (cancelled) return;
        setError(errorMessage(failure));
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, generation]);

  useEffect(() => {
    const onRoom = (room: Room) => setRooms((current) => upsertRooms(current, [room]));
    const onRemoved = ({ roomId }: { roomId: string }) =>
      setRooms((current) => removeRoom(current, roomId));
    // Every (re)connect: rooms created while the socket was not listening.
    const onConnect = () => {
      replaceWanted.current = true;
      setGeneration((g) => g + 1);
    };
    socket.on('room:created', onRoom);
    socket.on('room:added', onRoom);
    socket.on('room:removed', onRemoved);
    socket.on('connect', onConnect);
    return () => {
      socket.off('room:created', onRoom);
      socket.off('room:added', onRoom);
      socket.off('room:removed', onRemoved);
      socket.off('connect', onConnect);
    };
  }, [socket]);

  const createRoom = useCallback(
    async (body: CreateRoomBody) => {
      const { room } = await api.createRoom(body);
      setRooms((current) => upsertRooms(current, [room]));
      return room;
    },
    [api],
  );

  const openDm = useCallback(
    async (username: string) => {
      const { room } = await api.openDm({ username });
      setRooms((current) => upsertRooms(current, [room]));
      return room;
    },
    [api],
  );

  const addMember = useCallback(
    (roomId: string, username: string) => api.addMember(roomId, { username }),
    [api],
  );

  const leaveRoom = useCallback(
    async (roomId: string) => {
      await api.leaveRoom(roomId);
      setRooms((current) => removeRoom(current, roomId));
    },
    [api],
  );

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  return { rooms, summaries, loading, error, createRoom, openDm, addMember, leaveRoom, reload };
}
