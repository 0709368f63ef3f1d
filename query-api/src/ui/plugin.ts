import { readFileSync } from 'node:fs';
import type { FastifyPluginCallback } from 'fastify';

/**
 * The timeline page at /trace/ui: static files read once at start-up, no CDN and no build step,
 * so it works on an isolated network. The page holds no data; it calls the API with the bearer
 * token and tenant the user types, so the API's own authentication and tenant checks apply.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  '': { file: 'index.html', type: 'text/html; charset=utf-8' },
  'app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  'style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

/** Only our own files, and no inline script: a value from the API can never run as code. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const uiRoutes: FastifyPluginCallback = (app, _options, done) => {
  const bodies = new Map(
    Object.entries(ASSETS).map(([name, asset]) => [
      name,
      { ...asset, body: readFileSync(new URL(`./assets/${asset.file}`, import.meta.url)) },
    ]),
  );
  app.get('/trace/ui', (_request, reply) => reply.redirect('/trace/ui/', 301));
  for (const [name, asset] of bodies) {
    app.get(`/trace/ui/${name}`, { schema: { hide: true } }, (_request, reply) =>
      reply
        .header('content-type', asset.type)
        .header('content-security-policy', CONTENT_SECURITY_POLICY)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-cache')
        .send(asset.body),
    );
  }
  done();
};
