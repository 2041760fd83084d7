import { AppError, toErrorBody } from '../chat/app-error';
import { sessionCookieToken } from '../chat/tokens';
import type { Logger } from 'pino';
import type { Accounts } from '../services/accounts';
import type { ConnectionCaps } from './connection-caps';
import { type HandshakeGuard, HandshakeRefused } from './handshake-guard';
import type { ChatIoServer, ChatSocket } from './types';

/**
 * Who may open a socket: the handshake middleware. A connection is admitted
 * when the instance and its address are under their connection caps, its
 * address is not cooling down, its token (`auth.token`, or the session
 * cookie in cookie mode) is live and its user has a free
 * connection slot here; it then carries its identity in `socket.data`
 * for life. A refusal is a `connect_error` with `unauthorized`,
 * `unavailable` or a HandshakeRefused message (PROTOCOL.md).
 */
export class Admission {
  /** Engine.IO connections with a CONNECT to the namespace being checked or connected. */
  private readonly connecting = new WeakSet<ChatSocket['conn']>();
  /** The address each socket counted against the connection caps, until it is released. */
  private readonly addresses = new WeakMap<ChatSocket, string>();

  constructor(
    private readonly accounts: Accounts,
    private readonly guard: HandshakeGuard,
    private readonly caps: ConnectionCaps,
    private readonly logger: Logger,
    /**
     * Work an admitted socket needs done before its client hears `connect` (issue 14: reading
     * the user's hidden DMs to watch; issue 15: hearing the user's events). A rejection refuses
     * the connection (`unavailable` for a backend error) and frees what it counted.
     */
    private readonly beforeConnect: (socket: ChatSocket) => Promise<void> = () => Promise.resolve(),
    /** A socket `beforeConnect` ran for that will never connect (its connection closed meanwhile). */
    private readonly abandoned: (socket: ChatSocket) => void = () => {},
    /**
     * Reads for the socket that need only its user's id (issue 16: the hidden DMs), run with
     * the user lookup once the token proved live (Accounts.authenticate's `alongside`), so
     * they cost no round trip of their own. Reads only: they also run for a handshake that is
     * then refused (unknown user, no free slot), which must create nothing.
     */
    private readonly whileAuthenticating: (
      socket: ChatSocket,
      userId: string,
    ) => Promise<void> = () => Promise.resolve(),
  ) {}

  attach(io: ChatIoServer): void {
    io.use((socket, next) => {
      // Socket.IO closes a connection that sends a second CONNECT once the first is connected,
      // but not while the first still awaits this (async) check: each would get a socket.
      // Refuse it, then close the connection once the refusal (queued by next()) is written.
      if (this.connecting.has(socket.conn)) {
        next(new Error('invalid_input'));
        process.nextTick(() => socket.conn.close());
        return;
      }
      this.connecting.add(socket.conn);
      this.admit(socket).then(
        () => {
          next();
          // Socket.IO drops a socket whose connection closed during the check, without a
          // 'disconnect' event; it decides in the tick next() queued, before this one.
          process.nextTick(() => {
            if (socket.connected) return;
            this.guard.release(socket.data.user.id);
            this.releaseCaps(socket);
            this.abandoned(socket);
          });
        },
        (error: unknown) => {
          this.connecting.delete(socket.conn); // The client may try again on this connection.
          const message = handshakeErrorMessage(error);
          if (message === 'internal') this.logger.error({ err: error }, 'handshake failed');
          next(new Error(message));
        },
      );
    });
  }

  /** An admitted socket disconnected: its slot is free again. */
  release(socket: ChatSocket): void {
    this.guard.release(socket.data.user.id);
    this.releaseCaps(socket);
    this.connecting.delete(socket.conn);
  }

  private releaseCaps(socket: ChatSocket): void {
    const address = this.addresses.get(socket);
    if (address === undefined) return;
    this.addresses.delete(socket);
    this.caps.release(address);
  }

  /**
   * The handshake: room under the connection caps, address not cooling down, a live token, a
   * free connection slot for the user. A refused handshake frees what it counted.
   */
  private async admit(socket: ChatSocket): Promise<void> {
    const address = this.guard.clientAddress(socket.handshake.address, socket.handshake.headers);
    this.caps.reserve(address);
    this.addresses.set(socket, address);
    try {
      await this.authenticate(socket, address);
    } catch (error) {
      this.releaseCaps(socket);
      throw error;
    }
    try {
      await this.beforeConnect(socket);
    } catch (error) {
      this.guard.release(socket.data.user.id);
      this.releaseCaps(socket);
      throw error;
    }
  }

  private async authenticate(socket: ChatSocket, address: string): Promise<void> {
    this.guard.checkAddress(address);
    const identity = await this.accounts.authenticate(handshakeToken(socket), (userId) =>
      this.whileAuthenticating(socket, userId),
    );
    if (!identity) {
      await this.guard.failed(address).catch(() => {});
      throw new AppError('unauthorized', 'unauthorized');
    }
    this.guard.reserve(identity.user.id);
    socket.data = {
      user: identity.user,
      tokenHash: identity.tokenHash,
      sessionTtlMs: identity.sessionTtlMs,
      // Named here though empty, so that setting them later does not reshape the object.
      chatRooms: undefined,
      joining: undefined,
    };
  }
}

/**
 * `auth: {token}` when the client sent one; otherwise the session cookie that the Engine.IO
 * handshake request carried (cookie mode: a same-origin page, whose Origin the engine checked).
 */
function handshakeToken(socket: ChatSocket): string | undefined {
  const auth: unknown = socket.handshake.auth;
  const token =
    typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
  if (typeof token === 'string') return token;
  return sessionCookieToken(socket.handshake.headers.cookie);
}

/** The connect_error message a refused handshake gets (PROTOCOL.md: `unauthorized`, plus extensions). */
export function handshakeErrorMessage(error: unknown): string {
  if (error instanceof HandshakeRefused) return error.message;
  // `unauthorized` only for a token that is not live (thrown as such above): a client drops
  // its token on it, so a backend error (`unavailable`, also as an AppError) or a bug
  // (`internal`) must never read as one, or a Redis failover logs its users out.
  return toErrorBody(error).code;
}
