import net from 'node:net';

/**
 * A TCP proxy in front of a real redis-server that counts round trips: per client connection,
 * each burst of requests sent after a reply came back (or first) is one round trip. Requests a
 * client issues together (Promise.all, a pipeline) leave before Redis can answer the first of
 * them, so they count once; a request that waited for an earlier reply counts again. Nothing is
 * parsed: the count needs only which way bytes flowed last, which makes it exact for a client
 * that is otherwise idle (the suite sets no timer that talks to Redis meanwhile).
 */
export class RoundTripProxy {
  private rounds = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(redisPort: number): Promise<RoundTripProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new RoundTripProxy(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (client) => proxy.relay(client, redisPort));
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The round trips counted since the last call (or since start). */
  take(): number {
    const rounds = this.rounds;
    this.rounds = 0;
    return rounds;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket, redisPort: number): void {
    const redis = net.connect(redisPort, '127.0.0.1');
    this.sockets.add(client).add(redis);
    // True until the client's first request, then after every reply: its next request is a new trip.
    let answered = true;
    client.on('data', (chunk) => {
      if (answered) this.rounds += 1;
      answered = false;
      redis.write(chunk);
    });
    redis.on('data', (chunk) => {
      answered = true;
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      redis.destroy();
      this.sockets.delete(client);
      this.sockets.delete(redis);
    };
    client.on('close', end).on('error', end);
    redis.on('close', end).on('error', end);
  }
}
