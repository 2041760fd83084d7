/**
 * Message ids are Redis stream ids, `<milliseconds>-<sequence>`, in both the
 * Redis and the embedded stores. Clients treat them as opaque; the server and
 * its tests compare them with this function.
 */
export function compareMessageIds(a: string, b: string): number {
  const [aMs, aSeq] = splitId(a);
  const [bMs, bSeq] = splitId(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

/** True for `<digits>-<digits>`, the only shape a cursor may have. */
export function isMessageId(value: string): boolean {
  return /^\d{1,16}-\d{1,16}$/.test(value);
}

function splitId(id: string): [number, number] {
  const dash = id.indexOf('-');
  if (dash < 0) return [Number(id), 0];
  return [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}
