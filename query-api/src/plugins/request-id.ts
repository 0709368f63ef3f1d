import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fp from 'fastify-plugin';
import { ID_PATTERN } from '../contract/ids.js';

/**
 * The API call's own id (fastify `genReqId`): the caller's X-Request-Id when it is well formed,
 * so a call made through the gateway keeps the gateway's id; otherwise a fresh UUID.
 */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && ID_PATTERN.test(incoming) ? incoming : randomUUID();
}

/** Every response, errors and 404s included, carries X-Request-Id and echoes X-Application-Id. */
export const requestIdPlugin = fp(
  (app, _options, done) => {
    app.addHook('onRequest', (request, reply, next) => {
      reply.header('x-request-id', request.id);
      const applicationId = request.headers['x-application-id'];
      if (typeof applicationId === 'string' && ID_PATTERN.test(applicationId))
        reply.header('x-application-id', applicationId);
      next();
    });
    done();
  },
  { name: 'ariane-request-id' },
);
