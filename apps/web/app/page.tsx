import { connection } from 'next/server';
import { ClientRoot } from '../components/client-root';
import { resolveServerUrl } from '../lib/config';

/**
 * The whole chat is a client app. The server's only job here is to tell it
 * where the chat server is, read at request time so that one build can be
 * pointed elsewhere with CHAT_SERVER_URL (see lib/config.ts).
 */
export default async function Page() {
  await connection();
  const serverUrl = resolveServerUrl({
    CHAT_SERVER_URL: process.env.CHAT_SERVER_URL,
    NEXT_PUBLIC_SERVER_URL: process.env.NEXT_PUBLIC_SERVER_URL,
  });
  return <ClientRoot serverUrl={serverUrl} />;
}
