import WebSocket, { type RawData } from 'ws';

/*
 * A Socket.IO client written by hand over a plain websocket, speaking
 * Engine.IO v4 framing directly, so tests can send what no real client would:
 *
 *   server → `0{"sid":…}`                       Engine.IO open
 *   client → `40{"token":"…"}`                  Socket.IO CONNECT, default namespace, with auth
 *   server → `40{"sid":…}` or `44{"message":…}` CONNECT ok, or CONNECT_ERROR
 *   server → `2` / client → `3`                 ping / pong
 *   client → `42<id>["event",payload]`          EVENT with an ack id
 *   server → `43<id>[ack]`                      ACK
 */

/** The connection closed while a frame was awaited. */
export class ConnectionClosed extends Error {
  constructor() {
    super('the connection was closed');
  }
}

export interface Closed {
  code: number;
  reason: string;
}

export interface RawOptions {
  origin?: string;
  headers?: Record<string, string>;
  localAddress?: string;
  /** Extra query string parameters, such as `sid=…` for an upgrade of a polling session. */
  query?: string;
}

export class RawSocket {
  readonly frames: (string | Buffer)[] = [];
  readonly closed: Promise<Closed>;
  private waiters: {
    match: (frame: string) => boolean;
    resolve: (frame: string) => void;
    reject: (error: Error) => void;
  }[] = [];
  private isClosed = false;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.isClosed = true;
        resolve({ code, reason: reason.toString() });
        for (const waiter of this.waiters.splice(0)) waiter.reject(new ConnectionClosed());
      });
    });
    ws.on('error', () => {
      // A refused or reset connection ends in `close` as well; the test looks at that.
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const frame = isBinary ? Buffer.from(data as Buffer) : data.toString();
      this.frames.push(frame);
      if (typeof frame !== 'string') return;
      if (frame === '2') ws.send('3'); // answer Engine.IO pings like a real client
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(frame)) return true;
        waiter.resolve(frame);
        return false;
      });
    });
  }

  /** Opens the websocket and waits for Engine.IO's open packet. */
  static async open(baseUrl: string, options: RawOptions = {}): Promise<RawSocket> {
    const socket = RawSocket.start(baseUrl, options);
    await socket.next((frame) => frame.startsWith('0{'), 'the Engine.IO open packet');
    return socket;
  }

  /** Starts the websocket handshake without waiting for anything. */
  static start(baseUrl: string, options: RawOptions = {}): RawSocket {
    const url = `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket${options.query ? `&${options.query}` : ''}`;
    return new RawSocket(
      new WebSocket(url, {
        origin: options.origin,
        headers: options.headers,
        localAddress: options.localAddress,
      }),
    );
  }

  /**
   * Only the websocket upgrade: whether the server accepted it, or the HTTP
   * status it refused it with.
   */
  static upgrade(
    baseUrl: string,
    options: RawOptions = {},
  ): Promise<{ accepted: true } | { accepted: false; status: number | undefined; error?: string }> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket${options.query ? `&${options.query}` : ''}`;
    const ws = new WebSocket(url, {
      origin: options.origin,
      headers: options.headers,
      localAddress: options.localAddress,
    });
    return new Promise((resolve) => {
      ws.once('open', () => {
        ws.terminate();
        resolve({ accepted: true });
      });
      ws.once('unexpected-response', (request, response) => {
        response.resume();
        request.destroy();
        resolve({ accepted: false, status: response.statusCode });
      });
      ws.once('error', (error) =>
        resolve({ accepted: false, status: undefined, error: String(error) }),
      );
    });
  }

  get isOpen(): boolean {
    return !this.isClosed && this.ws.readyState === WebSocket.OPEN;
  }

  send(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** The next text frame (received from now on, or already received) that matches; fails after `timeoutMs`. */
  next(
    match: (frame: string) => boolean,
    what: string,
    timeoutMs = 5000,
    fromIndex = 0,
  ): Promise<string> {
    const seen = this.frames
      .slice(fromIndex)
      .find((frame): frame is string => typeof frame === 'string' && match(frame));
    if (seen !== undefined) return Promise.resolve(seen);
    if (this.isClosed) return Promise.reject(new ConnectionClosed());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter.resolve !== done);
        reject(
          new Error(
            `no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`,
          ),
        );
      }, timeoutMs);
      const done = (frame: string) => {
        clearTimeout(timer);
        resolve(frame);
      };
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      this.waiters.push({ match, resolve: done, reject: fail });
    });
  }

  /** Socket.IO CONNECT with `auth`; resolves with the server's answer (`40{…}` or `44{…}`). */
  async connect(auth: unknown): Promise<string> {
    const from = this.frames.length;
    this.send(`40${JSON.stringify(auth)}`);
    return this.next(
      (frame) => frame.startsWith('40') || frame.startsWith('44'),
      'CONNECT answer',
      5000,
      from,
    );
  }

  /** An EVENT with an ack id; resolves with the ack's argument. */
  async call(event: string, payload: unknown, id: number): Promise<unknown> {
    this.send(`42${id}${JSON.stringify([event, payload])}`);
    const ack = await this.next((frame) => frame.startsWith(`43${id}[`), `ack ${id}`);
    return (JSON.parse(ack.slice(`43${id}`.length)) as unknown[])[0];
  }

  /** Waits for the server to close this connection; fails after `timeoutMs`. */
  async expectClosedByServer(timeoutMs = 5000): Promise<Closed> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `the server did not close the connection within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.ws.terminate();
  }
}
