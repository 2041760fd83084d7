import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseInput } from './validate';

const stallSchema = z.object({ ms: z.number().int().min(1).max(60_000) });

/**
 * Test-only fault hooks, registered only with CHAT_DEBUG_HOOKS=true (which
 * config refuses in production). POST /debug/stall {ms} blocks this
 * instance's event loop for `ms`, as a runaway computation or a long GC
 * pause would, and answers when it is over.
 */
export function registerDebugRoutes(app: FastifyInstance): void {
  app.post('/debug/stall', async (request) => {
    const { ms } = parseInput(stallSchema, request.body);
    const until = Date.now() + ms;
    while (Date.now() < until) {
      // Deliberately busy: nothing else on this instance runs meanwhile.
    }
    return { stalledMs: ms };
  });
}
