import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { ArianeError } from '../../../../core/src/errors.js';
import {
  RequestSearchPageSchema,
  RequestSearchQuerySchema,
} from '../../contract/request-search.js';
import { RequestParamsSchema, RequestTimelineSchema } from '../../contract/request-timeline.js';
import type { QueryContext } from '../../context.js';
import { assertWithinResultWindow } from '../../pagination/params.js';
import { READ_ROLES, securedScope, tenantOf } from '../../plugins/access.js';
import { ErrorBodySchema } from '../../plugins/error-schema.js';
import { readRequestTimeline } from '../../timeline/read-request.js';
import { readRequestSummaries } from '../../timeline/read-session.js';
import { registerCommands } from '../commands.js';

const URL = '/trace/v1/requests/:requestId';
const COLLECTION_URL = '/trace/v1/requests';

function readOptions({ names, maxTimelineEvents, clockSkewToleranceMs, baselines }: QueryContext) {
  return { names, maxEvents: maxTimelineEvents, clockSkewToleranceMs, baselines };
}

export const requestRoutes: FastifyPluginCallbackZod = (app, _options, done) => {
  registerCommands(app, URL, {
    GET: 'The request timeline: hops, summary and anomalies of one X-Request-Id',
    HEAD: 'Whether the request id is known in the tenant: 204 or 404',
  });
  registerCommands(app, COLLECTION_URL, {
    GET: 'Search requests: the event search grouped by request, one line and a diagnosis each',
  });

  securedScope(app, { roles: READ_ROLES, tenant: true }, (secured) => {
    secured.get(
      URL,
      {
        schema: {
          summary: 'Request timeline',
          description:
            'Every event of the X-Request-Id across the whole retention window, grouped into hops. ' +
            'Answers 206 when the request has more events than QUERY_MAX_TIMELINE_EVENTS.',
          params: RequestParamsSchema,
          response: {
            200: RequestTimelineSchema,
            206: RequestTimelineSchema,
            404: ErrorBodySchema,
          },
        },
      },
      async (request, reply) => {
        const { store, names } = app.ariane;
        const scope = { index: names.eventsPattern, tenant: tenantOf(request) };
        const timeline = await readRequestTimeline(
          store,
          scope,
          request.params.requestId,
          readOptions(app.ariane),
        );
        if (!timeline)
          throw new ArianeError('ARIANE_NOT_FOUND', 'No event carries this request id');
        return reply.code(timeline.truncated ? 206 : 200).send(timeline);
      },
    );

    secured.get(
      COLLECTION_URL,
      {
        schema: {
          summary: 'Search requests',
          description:
            'The requests having at least one event that matches the filters of /trace/v1/events, ' +
            'in the order of their first matching event, each with its method, path, status, ' +
            'duration and diagnosis. Paginated with $limit/$offset over requests.',
          querystring: RequestSearchQuerySchema,
          response: { 200: RequestSearchPageSchema, 206: RequestSearchPageSchema },
        },
      },
      async (request, reply) => {
        const { store, names } = app.ariane;
        const scope = { index: names.eventsPattern, tenant: tenantOf(request) };
        const params = request.query;
        assertWithinResultWindow(params);
        const { requestIds, total } = await store.searchRequests(scope, params);
        const { results, truncated } = await readRequestSummaries(
          store,
          scope,
          requestIds,
          readOptions(app.ariane),
        );
        return reply.code(truncated ? 206 : 200).send({
          $hits: { total, offset: params.$offset, limit: params.$limit, size: results.length },
          $results: results,
          truncated,
        });
      },
    );

    secured.head(
      URL,
      { schema: { summary: 'Request existence', params: RequestParamsSchema } },
      async (request, reply) => {
        const { store, names } = app.ariane;
        const scope = { index: names.eventsPattern, tenant: tenantOf(request) };
        if (!(await store.requestExists(scope, request.params.requestId)))
          throw new ArianeError('ARIANE_NOT_FOUND');
        return reply.code(204).send();
      },
    );
  });
  done();
};
