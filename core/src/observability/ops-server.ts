import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface OpsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  /** Liveness: the process is not wedged. */
  readonly isLive: () => boolean;
  /** Readiness: connected to its dependencies and doing its work. */
  readonly isReady: () => boolean;
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The health and metrics endpoints of a service that has no HTTP API of its own (ingest, jobs):
 * `GET /healthz`, `GET /readyz` and `GET /metrics`. Anything else is a JSON 404.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      json(405, { code: 'ARIANE_METHOD_NOT_ALLOWED', message: 'Only GET is supported' });
      return;
    }
    if (path === '/healthz') {
      const live = options.isLive();
      json(live ? 200 : 503, { status: live ? 'ok' : 'failing' });
    } else if (path === '/readyz') {
      const ready = options.isReady();
      json(ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready' });
    } else if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': options.registry.contentType });
          res.end(text);
        },
        () => json(500, { code: 'ARIANE_INTERNAL', message: 'metrics unavailable' }),
      );
    } else {
      json(404, { code: 'ARIANE_ROUTE_NOT_FOUND', message: 'No such route' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closing: Promise<void> | undefined;
  return {
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
