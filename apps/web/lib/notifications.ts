import type { Message, RoomKind } from '@chat/shared';
import { mentionsUser } from './mentions';

/*
 * Browser notifications for messages that call for the reader: a mention of
 * them, or a direct message, while the page is hidden. Permission is asked
 * only from a click (NotificationsToggle), never on load.
 */

/** Whether a message deserves a notification. */
export function shouldNotify(
  message: Pick<Message, 'userId' | 'mentions' | 'deleted'>,
  options: { selfId: string; roomKind: RoomKind | undefined; pageHidden: boolean },
): boolean {
  if (!options.pageHidden || message.userId === options.selfId || message.deleted) return false;
  return options.roomKind === 'dm' || mentionsUser(message, options.selfId);
}

/** The notification's title and body: who, where, and the text cut to 140 characters. */
export function notificationText(
  message: Pick<Message, 'username' | 'text'>,
  roomName: string,
  roomKind: RoomKind | undefined,
): { title: string; body: string } {
  const text = message.text.length > 140 ? `${message.text.slice(0, 139)}…` : message.text;
  const title =
    roomKind === 'dm' ? message.username : `${message.username} mentioned you in ${roomName}`;
  return { title, body: text };
}

/** What the browser allows: 'unsupported' where there is no Notification API. */
export type NotificationPermissionState = NotificationPermission | 'unsupported';

export function notificationPermission(): NotificationPermissionState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}
