import type { IncomingHttpHeaders } from 'node:http';
import { rawHttp } from '../../abuse/support/outcomes';

export interface JsonAnswer<T> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
}

/**
 * A JSON HTTP call like clients.ts's `http`, from a chosen loopback address
 * (the client address that per-address limits charge), with the answer's headers.
 */
export async function jsonCall<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; from?: string; headers?: Record<string, string> } = {},
): Promise<JsonAnswer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const answer = await rawHttp(baseUrl, {
    method,
    path,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    localAddress: options.from,
  });
  return {
    status: answer.status,
    headers: answer.headers,
    body: (answer.text ? JSON.parse(answer.text) : null) as T,
  };
}
