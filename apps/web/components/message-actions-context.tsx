'use client';

import { createContext, useContext } from 'react';
import type { Message, User } from '@chat/shared';

/**
 * What a message row can do and needs to know besides its own message,
 * given once by the room view (a stable value: rows stay memoised).
 */
export interface MessageActions {
  self: User;
  /** Usernames by user id, from what the app knows (members, authors, presence). */
  names: ReadonlyMap<string, string>;
  /** The user created the room: they may delete anyone's message in it. */
  roomOwner: boolean;
  toggleReaction: (messageId: string, emoji: string) => void;
  addReaction: (messageId: string, emoji: string) => void;
  reply: (message: Message) => void;
  startEdit: (messageId: string) => void;
  saveEdit: (messageId: string, text: string) => void;
  cancelEdit: () => void;
  remove: (messageId: string) => void;
  /** Scrolls to a message (loading history if needed) and highlights it: a reply's quote. */
  showMessage: (messageId: string) => void;
}

export const MessageActionsContext = createContext<MessageActions | null>(null);

/** The room view's message actions; null outside a room view (rows then show no actions). */
export function useMessageActions(): MessageActions | null {
  return useContext(MessageActionsContext);
}
