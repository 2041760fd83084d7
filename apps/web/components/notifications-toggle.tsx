'use client';

import { useState } from 'react';
import { notificationPermission, type NotificationPermissionState } from '../lib/notifications';
import { secondaryButtonClass } from './ui';

/**
 * "Turn on notifications": asks the browser's permission, only when clicked
 * (never on load). Says so once they are on, or blocked in the browser.
 */
export function NotificationsToggle() {
  const [permission, setPermission] = useState<NotificationPermissionState>(() =>
    notificationPermission(),
  );
  if (permission === 'unsupported') return null;
  if (permission === 'granted') {
    return (
      <p className="px-2 text-xs text-zinc-500 dark:text-zinc-400" data-testid="notifications-on">
        Notifications are on for mentions and direct messages.
      </p>
    );
  }
  if (permission === 'denied') {
    return (
      <p
        className="px-2 text-xs text-zinc-500 dark:text-zinc-400"
        data-testid="notifications-blocked"
      >
        Notifications are blocked in this browser&apos;s settings.
      </p>
    );
  }
  return (
    <button
      type="button"
      className={`w-full ${secondaryButtonClass}`}
      onClick={() => {
        void Notification.requestPermission().then(setPermission, () => {});
      }}
      data-testid="notifications-enable"
    >
      Turn on notifications
    </button>
  );
}
