import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { ErrorCode } from '@chat/shared';

export interface ArchiverHttp {
  server: Server;
  port: number;
}

/**
 * The archiver's only listener: GET /metrics (Prometheus text), /healthz
 * (the process runs) and /readyz (200 once Redis and PostgreSQL both answer,
 * 503 `unavailable` otherwise). Anything else is a 404 in the protocol's
 * error shape. Not meant to be public: keep it on an internal network.
 */
export async function startArchiverHttp(options: {
  host: string;
  port: number;
  registry: Registry;
  /** Rejects when a dependency does not answer. */
  checkReady: () => Promise<void>;
}): Promise<ArchiverHttp> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') return error(response, 405, 'invalid_input', 'GET only');
    if (path === '/healthz') return json(response, 200, { status: 'ok' });
    if (path === '/readyz') {
      options.checkReady().then(
        () => json(response, 200, { status: 'ready' }),
        (cause: unknown) =>
          error(response, 503, 'unavailable', cause instanceof Error ? cause.message : 'not ready'),
      );
      return;
    }
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'content-type': options.registry.contentType });
          response.end(text);
        },
        () => error(response, 500, 'internal', 'metrics unavailable'),
      );
      return;
    }
    error(response, 404, 'not_found', 'no such endpoint');
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function error(response: ServerResponse, status: number, code: ErrorCode, message: string): void {
  json(response, status, { error: { code, message } });
}
