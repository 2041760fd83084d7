import { request, type IncomingHttpHeaders } from 'node:http';
import { ERROR_CODES, type ErrorCode } from '@chat/shared';

/*
 * What PROTOCOL.md allows an answer to be, and the checks every abuse test
 * runs on every answer it gets: documented status and error code, the
 * documented error shape, and nothing leaked (no stack trace, no file path,
 * no password hash).
 */

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface RawRequest {
  method: string;
  /** Sent as is: the caller encodes it. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Bind the client side to this loopback address (127.0.0.2, ...). */
  localAddress?: string;
}

/** Every body this test file received, HTTP and socket alike: scanned for secrets at the end. */
export const received: string[] = [];

/**
 * One HTTP request with full control over the path, headers and body bytes.
 * Fails (rather than hanging the suite) when no answer comes within 10 s.
 */
export function rawHttp(baseUrl: string, options: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const headers = { ...options.headers };
  if (options.body !== undefined) headers['content-length'] = String(byteLength(options.body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port: Number(port),
        method: options.method,
        path: options.path,
        headers,
        localAddress: options.localAddress,
        // A fresh connection per request: one request's fate never depends on another's socket.
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          received.push(text);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text });
        });
        response.on('error', reject);
      },
    );
    req.setTimeout(10_000, () =>
      req.destroy(new Error(`no answer within 10 s to ${options.method} ${options.path}`)),
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export function byteLength(body: string | Buffer): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.length;
}

/** Signs of internals in a body: stack frames, source paths, module names. */
const LEAK_PATTERNS: [string, RegExp][] = [
  ['a stack frame', /\bat\s+(?:async\s+)?[\w$.<>[\]]+\s+\((?:\/|file:|node:)/],
  ['a stack frame', /\n\s+at\s/],
  ['a source location', /[\w-]+\.(?:[cm]?[jt]s):\d+(?::\d+)?/],
  ['a file path', /(?:\/[\w.@-]+){2,}\/[\w.@-]+\.(?:[cm]?[jt]s|lua)\b/],
  ['a module path', /node_modules/],
  ['a password hash', /scrypt\$/],
  ['a password hash field', /passwordHash/i],
  ['an error class name', /\b(?:TypeError|RangeError|ReferenceError|SyntaxError|ReplyError)\b/],
];

/** Throws a readable error when `text` shows internals or a password hash. */
export function expectNothingLeaked(text: string, where: string): void {
  for (const [what, pattern] of LEAK_PATTERNS) {
    const match = pattern.exec(text);
    if (match) {
      throw new Error(
        `${where} leaks ${what} (${JSON.stringify(match[0])}): ${text.slice(0, 500)}`,
      );
    }
  }
}

export interface EndpointRule {
  /** Success statuses. */
  ok: number[];
  /** Failure statuses the protocol lists for it. */
  failures: number[];
}

/**
 * PROTOCOL.md's HTTP table. Calls with a body may also fail with 400 and 413.
 * `unavailable` (503) and `internal` (500) are documented for any call, but
 * Redis is healthy throughout these tests, so either one would be a bug
 * reported as an outage: they are not accepted here.
 */
export const ENDPOINTS = {
  register: { ok: [201], failures: [400, 409, 413] },
  login: { ok: [200], failures: [400, 401, 413, 429] },
  logout: { ok: [204], failures: [400, 401, 413] },
  me: { ok: [200], failures: [401] },
  listRooms: { ok: [200], failures: [401] },
  createRoom: { ok: [201], failures: [400, 401, 409, 413, 429] },
  addMember: { ok: [204], failures: [400, 401, 403, 404, 413, 429] },
  openDm: { ok: [200], failures: [400, 401, 404, 413, 429] },
  history: { ok: [200], failures: [400, 401, 403, 404] },
  presence: { ok: [200], failures: [401] },
  unknown: { ok: [], failures: [404] },
} satisfies Record<string, EndpointRule>;

const CODE_BY_STATUS = new Map<number, ErrorCode>(
  Object.entries(ERROR_CODES).map(([code, { status }]) => [status, code as ErrorCode]),
);

/**
 * The response is one the protocol documents for this endpoint: an allowed
 * status; for failures exactly `{ error: { code, message } }` (plus
 * `retryAfterMs` on 429, mirrored in Retry-After) with the code of that
 * status; JSON bodies; nothing leaked. Returns the parsed body.
 */
export function expectDocumented(
  response: RawResponse,
  rule: EndpointRule,
  where: string,
): unknown {
  const context = `${where} → ${response.status} ${response.text.slice(0, 300)}`;
  expectNothingLeaked(response.text, where);
  if (![...rule.ok, ...rule.failures].includes(response.status)) {
    throw new Error(`undocumented status: ${context}`);
  }
  if (response.status === 204) {
    if (response.text !== '') throw new Error(`204 with a body: ${context}`);
    return null;
  }
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    throw new Error(`body is not JSON: ${context}`);
  }
  if (rule.ok.includes(response.status)) return body;
  expectErrorBody(body, CODE_BY_STATUS.get(response.status)!, context);
  if (response.status === 429) {
    const retryAfterMs = (body as { error: { retryAfterMs?: number } }).error.retryAfterMs;
    if (retryAfterMs !== undefined && response.headers['retry-after'] !== undefined) {
      const expected = String(Math.ceil(retryAfterMs / 1000));
      if (response.headers['retry-after'] !== expected)
        throw new Error(`Retry-After ${response.headers['retry-after']} ≠ ${expected}: ${context}`);
    }
  }
  return body;
}

/** `{ error: { code, message, retryAfterMs? } }` and nothing else, with the given code. */
export function expectErrorBody(body: unknown, code: ErrorCode, context: string): void {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  const keys = body && typeof body === 'object' ? Object.keys(body) : [];
  if (keys.length !== 1 || !error || typeof error !== 'object') {
    throw new Error(`not an error body: ${context}`);
  }
  if (error.code !== code) throw new Error(`expected code ${code}: ${context}`);
  if (typeof error.message !== 'string' || error.message.length === 0)
    throw new Error(`error without a message: ${context}`);
  const allowed =
    code === 'rate_limited' ? ['code', 'message', 'retryAfterMs'] : ['code', 'message'];
  const extra = Object.keys(error).filter((key) => !allowed.includes(key));
  if (extra.length > 0)
    throw new Error(`error body has extra fields ${extra.join(',')}: ${context}`);
  if (
    'retryAfterMs' in error &&
    !(typeof error.retryAfterMs === 'number' && error.retryAfterMs > 0)
  )
    throw new Error(`retryAfterMs is not a positive number: ${context}`);
}

/**
 * A socket ack is `{ ok: true, ... }` or exactly `{ ok: false, error: { code,
 * message } }` (plus `retryAfterMs` on rate limits) with one of `codes`.
 */
export function expectDocumentedAck(ack: unknown, codes: ErrorCode[], where: string): void {
  const text = JSON.stringify(ack) ?? 'undefined';
  received.push(text);
  const context = `${where} → ${text.slice(0, 300)}`;
  expectNothingLeaked(text, where);
  if (!ack || typeof ack !== 'object') throw new Error(`ack is not an object: ${context}`);
  const { ok } = ack as { ok?: unknown };
  if (ok === true) return;
  if (ok !== false) throw new Error(`ack without ok: ${context}`);
  const keys = Object.keys(ack).sort();
  if (keys.join() !== 'error,ok') throw new Error(`error ack has extra fields: ${context}`);
  const code = (ack as { error: { code?: unknown } }).error?.code;
  if (typeof code !== 'string' || !(codes as string[]).includes(code))
    throw new Error(`undocumented error code: ${context}`);
  expectErrorBody({ error: (ack as { error: unknown }).error }, code as ErrorCode, context);
}

/** Nothing this file received carried a password hash (run in afterAll). */
export function expectNoPasswordHashReceived(): void {
  for (const text of received) {
    if (text.includes('scrypt$') || /passwordHash/i.test(text))
      throw new Error(`a response carried a password hash: ${text.slice(0, 300)}`);
  }
}
