/*
 * The Engine.IO v4 / Socket.IO v5 text framing the raw clients and the ceiling
 * server speak, and the bench's message text format.
 *
 *   Engine.IO:  0{open json}  1 close  2 ping  3 pong  4<socket.io packet>
 *   Socket.IO:  0{auth} connect (→ 0{"sid":…})  1 disconnect  2[event,…] event
 *               2<id>[event,…] event with ack  3<id>[response] ack  4{…} connect_error
 *
 * So on the wire: `40{"token":"…"}`, `42["message:new",{…}]`, `420["room:join",{…}]`,
 * `430[{"ok":true,…}]`.
 *
 * Message text: `t=<send ms>|<sender index>|<sequence>|<padding>`. The send time is
 * on the load generator's monotonic clock (process.hrtime, shared by its
 * threads), so end-to-end latency is receive time minus this, with no clock
 * skew. The sequence is per sender and starts at 1.
 */

export const EIO_PATH = '/socket.io/?EIO=4&transport=websocket';

export function messageText(sentAt: number, sender: number, seq: number, size: number): string {
  const head = `t=${sentAt.toFixed(3)}|${sender}|${seq}|`;
  return head.length >= size ? head : head + 'x'.repeat(size - head.length);
}

/** What a receiver takes from a delivered message, parsed without JSON.parse. */
export interface Delivery {
  sentAt: number;
  sender: number;
  seq: number;
  /** Message id `<ms>-<seq>` split in two; NaN when the id has another shape (baseline). */
  idMs: number;
  idSeq: number;
}

const TEXT_KEY = Buffer.from('"text":"t=', 'latin1');
const ID_KEY = Buffer.from('"id":"', 'latin1');
const PIPE = 124;
const DOT = 46;
const DASH = 45;
const QUOTE = 34;

function isDigit(c: number | undefined): c is number {
  return c !== undefined && c >= 48 && c <= 57;
}

/**
 * Reads the bench fields out of a `42["message:new",{…}]` frame, or out of
 * any JSON holding one message object, straight from the bytes: no string
 * decoding, no JSON.parse. Keys are found by name, so servers may order them
 * as they like; the bench's text has no characters JSON escapes.
 */
export function parseDelivery(frame: Buffer, out: Delivery): boolean {
  const t = frame.indexOf(TEXT_KEY);
  if (t < 0) return false;
  let i = t + TEXT_KEY.length;
  let c = frame[i];
  let whole = 0;
  for (; isDigit(c); c = frame[++i]) whole = whole * 10 + (c - 48);
  let fraction = 0;
  let scale = 1;
  if (c === DOT) {
    for (c = frame[++i]; isDigit(c); c = frame[++i]) {
      fraction = fraction * 10 + (c - 48);
      scale *= 10;
    }
  }
  if (c !== PIPE) return false;
  out.sentAt = whole + fraction / scale;
  let sender = 0;
  for (c = frame[++i]; isDigit(c); c = frame[++i]) sender = sender * 10 + (c - 48);
  if (c !== PIPE) return false;
  out.sender = sender;
  let seq = 0;
  for (c = frame[++i]; isDigit(c); c = frame[++i]) seq = seq * 10 + (c - 48);
  if (c !== PIPE) return false;
  out.seq = seq;

  out.idMs = NaN;
  out.idSeq = NaN;
  const d = frame.indexOf(ID_KEY);
  if (d >= 0) {
    let j = d + ID_KEY.length;
    let ms = 0;
    let digits = 0;
    for (c = frame[j]; isDigit(c); c = frame[++j], digits++) ms = ms * 10 + (c - 48);
    if (c === DASH && digits > 0) {
      let idSeq = 0;
      digits = 0;
      for (c = frame[++j]; isDigit(c); c = frame[++j], digits++) idSeq = idSeq * 10 + (c - 48);
      if (c === QUOTE && digits > 0) {
        out.idMs = ms;
        out.idSeq = idSeq;
      }
    }
  }
  return true;
}
