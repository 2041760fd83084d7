import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from './app';

const READY_CHECK_TIMEOUT_MS = 1000;

export function registerHealthRoutes(
  app: FastifyInstance,
  { backend, metrics, isDraining, instanceId }: HttpDeps,
): void {
  /** 200 while the process serves at all; names the instance (useful behind a balancer). */
  app.get('/healthz', async () => ({ status: 'ok', instance: instanceId }));

  /**
   * 200 when the store and broker answer and the instance is not draining; else 503. With an
   * archive, the body also says whether it answers (`archive: 'ready' | 'unavailable'`, and the
   * chat_archive_available gauge), without failing readiness: a down PostgreSQL must not take
   * every instance out of the balancer, as sends and recent history do not need it.
   */
  app.get('/readyz', async (_request, reply) => {
    if (isDraining()) return reply.status(503).send({ status: 'draining' });
    const [store, archive] = await Promise.allSettled([
      withTimeout(backend.health.check(), READY_CHECK_TIMEOUT_MS),
      backend.health.checkArchive &&
        withTimeout(backend.health.checkArchive(), READY_CHECK_TIMEOUT_MS),
    ]);
    const body: { status: string; archive?: string } = {
      status: store.status === 'fulfilled' ? 'ready' : 'unavailable',
    };
    if (backend.health.checkArchive) {
      body.archive = archive.status === 'fulfilled' ? 'ready' : 'unavailable';
      metrics.archiveAvailable.set(archive.status === 'fulfilled' ? 1 : 0);
    }
    return reply.status(store.status === 'fulfilled' ? 200 : 503).send(body);
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
