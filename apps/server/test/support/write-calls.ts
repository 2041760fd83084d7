import type { Socket } from 'node:net';

/**
 * Counts the write system calls made on `socket` from now on: each `_write` or `_writev` Node
 * makes on a TCP socket is one (a corked batch is one `_writev`), so a test can tell one write
 * per frame or command from one per batch without timing anything.
 */
export function countWriteCalls(socket: Socket): { readonly calls: number } {
  const counter = { calls: 0 };
  for (const method of ['_write', '_writev'] as const) {
    const original = (socket[method] as (...args: unknown[]) => void).bind(socket);
    (socket as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      counter.calls += 1;
      original(...args);
    };
  }
  return counter;
}
