import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyPluginCallback } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { JSONWebKeySet } from 'jose';
import type { Registry } from 'prom-client';
import type { OperationStore } from '../../core/src/anonymisation/operations.js';
import { indexNames } from '../../core/src/es/index-names.js';
import { ArianeError } from '../../core/src/errors.js';
import type { Logger } from '../../core/src/observability/logger.js';
import { createAuthenticator } from './auth/authenticator.js';
import type { QueryApiEnv } from './config.js';
import type { QueryContext } from './context.js';
import { accessPlugin } from './plugins/access.js';
import { errorsPlugin } from './plugins/errors.js';
import { metricsPlugin } from './plugins/metrics.js';
import { openapiPlugin } from './plugins/openapi.js';
import { requestIdOf, requestIdPlugin } from './plugins/request-id.js';
import { anonymisationRoutes } from './routes/anonymisations/routes.js';
import { deadLetterRoutes } from './routes/dead-letters/routes.js';
import { eventRoutes } from './routes/events/routes.js';
import { healthRoutes } from './routes/health/routes.js';
import { operationRoutes } from './routes/operations/routes.js';
import { requestRoutes } from './routes/requests/routes.js';
import { sessionRoutes } from './routes/sessions/routes.js';
import type { EventStore } from './store/event-store.js';
import { cachedRouteBaselines } from './timeline/route-baselines.js';
import { uiRoutes } from './ui/plugin.js';

/**
 * The route plugins that need nothing but the shared context (`app.ariane`), in one list: a new
 * read-only resource is one more line. Plugins that take options of their own (anonymisations
 * and operations, given the operation store) are registered after them in `buildApp`. Each
 * plugin guards its routes with `securedScope` (plugins/access.ts); the event store scopes every
 * read to the caller's tenant (store/scope.ts).
 */
const ROUTES: readonly FastifyPluginCallback[] = [
  healthRoutes,
  requestRoutes,
  sessionRoutes,
  eventRoutes,
  uiRoutes,
  deadLetterRoutes,
];

/** A route's usual duration moves slowly: one aggregation per route and tenant a minute. */
const ROUTE_BASELINE_TTL_MS = 60_000;
const ROUTE_BASELINE_ENTRIES = 2_000;

export interface AppDeps {
  readonly store: EventStore;
  /** Anonymisation operations; without it those routes answer 501 (a read-only deployment). */
  readonly operations?: OperationStore;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly now?: () => Date;
  /** A local JWKS in place of JWT_JWKS_URL (tests). */
  readonly jwks?: JSONWebKeySet;
}

/**
 * The query API as a fastify instance, ready for `inject()` or `listen()`. It owns the store:
 * closing the app closes it.
 */
export async function buildApp(config: QueryApiEnv, deps: AppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Request ids and URLs identify people's requests: fastify neither logs requests nor binds
    // the id into request loggers. plugins/metrics.ts logs route patterns instead.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger) => logger,
    genReqId: requestIdOf,
    requestIdHeader: false,
    exposeHeadRoutes: false,
    bodyLimit: config.QUERY_BODY_LIMIT_BYTES,
    http: { maxHeaderSize: config.QUERY_MAX_HEADER_BYTES },
    clientErrorHandler: answerClientError,
    routerOptions: { maxParamLength: 512 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Bodies are JSON only: fastify's built-in text/plain parser would turn a wrongly typed body
  // into a validation error (400) where the conventions answer 415.
  app.removeContentTypeParser('text/plain');

  if (!config.CURSOR_SECRET)
    deps.logger.warn(
      'CURSOR_SECRET is not set: cursors are signed with a random key and do not survive a restart',
    );
  const now = deps.now ?? (() => new Date());
  const context: QueryContext = {
    store: deps.store,
    names: indexNames(config.ARIANE_INDEX_PREFIX),
    cursorSecret: config.CURSOR_SECRET
      ? Buffer.from(config.CURSOR_SECRET, 'utf8')
      : randomBytes(32),
    cursorTtlMs: config.CURSOR_TTL_SECONDS * 1000,
    maxTimelineEvents: config.QUERY_MAX_TIMELINE_EVENTS,
    clockSkewToleranceMs: config.CLOCK_SKEW_TOLERANCE_MS,
    baselines: cachedRouteBaselines(deps.store, {
      ttlMs: ROUTE_BASELINE_TTL_MS,
      maxEntries: ROUTE_BASELINE_ENTRIES,
      now,
    }),
    now,
  };
  app.decorate('ariane', context);
  app.addHook('onClose', async () => deps.store.close());

  const authenticator = await createAuthenticator(config, deps.jwks);
  if (!authenticator.configured)
    deps.logger.warn('neither JWT_* nor API_KEYS is set: every business endpoint will answer 401');

  await app.register(requestIdPlugin);
  await app.register(errorsPlugin);
  await app.register(metricsPlugin, { registry: deps.metrics });
  await app.register(accessPlugin, { authenticator });
  await app.register(openapiPlugin);
  for (const routes of ROUTES) await app.register(routes);
  const operations = deps.operations ?? OPERATIONS_NOT_CONFIGURED;
  await app.register(anonymisationRoutes, { operations });
  await app.register(operationRoutes, { operations });
  return app;
}

const notConfigured = (): never => {
  throw new ArianeError('ARIANE_NOT_IMPLEMENTED', 'Anonymisation is not configured on this API');
};
const OPERATIONS_NOT_CONFIGURED: OperationStore = {
  queue: notConfigured,
  find: notConfigured,
  list: notConfigured,
};

/**
 * Errors Node's HTTP parser raises before fastify sees a request. Oversized headers get the
 * conventions' 413 (Node would say 431); anything else unparsable is a 400. Same JSON body.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return;
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 413 : 400;
  const body = JSON.stringify({
    code: tooLarge ? 'ARIANE_PAYLOAD_TOO_LARGE' : 'ARIANE_BAD_REQUEST',
    message: tooLarge
      ? 'The request headers exceed what the service accepts'
      : 'The request is malformed',
    details: [],
    requestId: null,
  });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Payload Too Large' : 'Bad Request'}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
