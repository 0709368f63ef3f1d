import fp from 'fastify-plugin';
import { Histogram, type Registry } from 'prom-client';

/**
 * Per-route latency and status counts, labelled by route pattern (never the URL: it holds
 * request and session ids), and `GET /metrics` in the Prometheus text format. It also replaces
 * fastify's request logging, which would log URLs.
 */
export const metricsPlugin = fp<{ registry: Registry }>(
  (app, { registry }, done) => {
    const duration = new Histogram({
      name: 'ariane_query_api_request_duration_seconds',
      help: 'Query API response time by route pattern, method and status',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    });
    app.addHook('onResponse', (request, reply, next) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const seconds = reply.elapsedTime / 1000;
      duration.observe(
        { route, method: request.method, status: String(reply.statusCode) },
        seconds,
      );
      request.server.log.debug(
        { route, method: request.method, status: reply.statusCode, ms: reply.elapsedTime },
        'served',
      );
      next();
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.type(registry.contentType);
      return await registry.metrics();
    });
    done();
  },
  { name: 'ariane-metrics' },
);
