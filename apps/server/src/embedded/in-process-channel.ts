/**
 * The in-process stand-in for a Redis Pub/Sub channel. Like Redis, it
 * delivers asynchronously (never inside the publisher's call) and in publish
 * order, to one handler. In-process delivery never breaks, so its users never
 * have anything to resync.
 */
export class InProcessChannel<Payload> {
  private handler: (payload: Payload) => void = () => {};

  subscribe(handler: (payload: Payload) => void): void {
    this.handler = handler;
  }

  publish(payload: Payload): void {
    queueMicrotask(() => this.handler(payload));
  }
}
