/**
 * Message ids are Redis stream ids, `<milliseconds>-<sequence>`, in both the
 * Redis and the embedded stores. Clients treat them as opaque; the server and
 * its tests compare them with this function.
 */
export function compareMessageIds(a: string, b: string): number {
  const [aMs, aSeq] = splitMessageId(a);
  const [bMs, bSeq] = splitMessageId(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

/** True for `<digits>-<digits>`, the only shape a cursor may have. */
export function isMessageId(value: string): boolean {
  return /^\d{1,16}-\d{1,16}$/.test(value);
}

/**
 * When the store assigned the id: its milliseconds part (the store's clock,
 * so the same on every instance). This is a message's `createdAt`.
 */
export function messageIdTime(id: string): number {
  return splitMessageId(id)[0];
}

/** `<ms>-<seq>` as two numbers; an id without a dash is `<ms>-0`. */
export function splitMessageId(id: string): [ms: number, seq: number] {
  const dash = id.indexOf('-');
  if (dash < 0) return [Number(id), 0];
  return [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}
