/* A Socket.IO client socket, faked for the stores of lib/: the test plays the server. */

export type Emitted = { event: string; payload: Record<string, unknown> };
export type Answer = (payload: Record<string, unknown>) => Promise<unknown>;

/** Just enough of a Socket.IO client socket: listeners, `connected`, and acked emits. */
export class FakeSocket {
  connected = false;
  emitted: Emitted[] = [];
  answers: Record<string, Answer> = {};
  private listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  private pendingAcks: { reject: (error: Error) => void }[] = [];

  on(event: string, listener: (...args: unknown[]) => void) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)?.add(listener);
    return this;
  }
  off(event: string, listener: (...args: unknown[]) => void) {
    this.listeners.get(event)?.delete(listener);
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
  timeout() {
    return {
      emitWithAck: (event: string, payload: Record<string, unknown>) => {
        this.emitted.push({ event, payload });
        return new Promise((resolve, reject) => {
          const entry = { reject };
          this.pendingAcks.push(entry);
          const answer = this.answers[event];
          if (answer)
            answer(payload).then(resolve, () => {
              /* left hanging: an ack that never comes */
            });
        });
      },
    };
  }
  connect() {
    this.connected = true;
    this.fire('connect');
  }
  /** Like socket.io-client: acks still waiting fail with "socket has been disconnected". */
  disconnect() {
    this.connected = false;
    this.fire('disconnect', 'transport close');
    for (const { reject } of this.pendingAcks.splice(0))
      reject(new Error('socket has been disconnected'));
  }
  sends() {
    return this.emitted.filter((e) => e.event === 'message:send').map((e) => e.payload);
  }
  joins() {
    return this.emitted.filter((e) => e.event === 'room:join').map((e) => e.payload);
  }
}
