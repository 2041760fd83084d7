'use client';

import dynamic from 'next/dynamic';
import { Splash } from './splash';

// Browser only: the session lives in localStorage and the socket in the page.
const ChatApp = dynamic(() => import('./chat-app').then((m) => m.ChatApp), {
  ssr: false,
  loading: () => <Splash />,
});

export function ClientRoot({ serverUrl }: { serverUrl: string }) {
  return <ChatApp serverUrl={serverUrl} />;
}
