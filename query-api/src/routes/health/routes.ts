import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const StatusSchema = z.object({ status: z.enum(['ok', 'ready', 'not_ready']) });

/**
 * Liveness (`/healthz`), readiness (`/readyz`: Elasticsearch answers) and the conventions'
 * `GET /trace/v1/status`, which reports readiness. None needs credentials or a tenant.
 */
export const healthRoutes: FastifyPluginCallbackZod = (app, _options, done) => {
  app.get(
    '/healthz',
    { schema: { hide: true, response: { 200: StatusSchema } } },
    (_request, reply) => {
      void reply.send({ status: 'ok' });
    },
  );
  for (const url of ['/readyz', '/trace/v1/status']) {
    app.get(
      url,
      {
        schema: {
          summary: 'Readiness',
          hide: url === '/readyz',
          security: [],
          response: { 200: StatusSchema, 503: StatusSchema },
        },
      },
      async (_request, reply) => {
        const status = (await app.ariane.store.ping()) ? 'ready' : 'not_ready';
        return reply.code(status === 'ready' ? 200 : 503).send({ status });
      },
    );
  }
  done();
};
