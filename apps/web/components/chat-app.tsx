'use client';

import { useSession } from '../hooks/use-session';
import { AuthScreen } from './auth-screen';
import { ChatScreen } from './chat-screen';
import { Splash } from './splash';
import { alertClass, primaryButtonClass } from './ui';

/** The session gate: the login form, or the chat for the signed-in user. */
export function ChatApp({ serverUrl }: { serverUrl: string }) {
  const session = useSession(serverUrl);
  const { state } = session;

  switch (state.status) {
    case 'restoring':
      return <Splash />;
    case 'unreachable':
      return (
        <Splash>
          <div className="flex max-w-sm flex-col items-center gap-4">
            <p role="alert" className={alertClass}>
              {state.error}
            </p>
            <button type="button" className={primaryButtonClass} onClick={session.retry}>
              Try again
            </button>
          </div>
        </Splash>
      );
    case 'signed-out':
      return (
        <AuthScreen notice={state.notice} onLogin={session.login} onRegister={session.register} />
      );
    case 'signed-in':
      return (
        <ChatScreen
          // A new token is a new session: fresh socket and state.
          key={state.token}
          serverUrl={serverUrl}
          token={state.token}
          user={state.user}
          api={session.api}
          onLogout={session.logout}
          onSessionEnded={session.end}
        />
      );
  }
}
