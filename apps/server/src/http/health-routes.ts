import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from './app';

const READY_CHECK_TIMEOUT_MS = 1000;

export function registerHealthRoutes(
  app: FastifyInstance,
  { backend, metrics, isDraining, instanceId }: HttpDeps,
): void {
  /** 200 while the process serves at all; names the instance (useful behind a balancer). */
  app.get('/healthz', async () => ({ status: 'ok', instance: instanceId }));

  /** 200 when the store and broker answer and the instance is not draining; else 503. */
  app.get('/readyz', async (_request, reply) => {
    if (isDraining()) return reply.status(503).send({ status: 'draining' });
    try {
      await withTimeout(backend.health.check(), READY_CHECK_TIMEOUT_MS);
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    void reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
