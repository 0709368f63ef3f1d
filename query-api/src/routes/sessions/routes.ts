import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { TraceEvent } from '../../../../core/src/schemas/trace-event.js';
import { ArianeError } from '../../../../core/src/errors.js';
import { assertWithinResultWindow } from '../../pagination/params.js';
import { READ_ROLES, securedScope, tenantOf } from '../../plugins/access.js';
import { ErrorBodySchema } from '../../plugins/error-schema.js';
import { registerCommands } from '../commands.js';
import { fetchRequestEvents } from '../requests/fetch.js';
import { buildRequestTimeline } from '../requests/timeline.js';
import { sessionExistsQuery, sessionPageQuery } from './query.js';
import { SessionParamsSchema, SessionQuerySchema, SessionTimelineSchema } from './schema.js';
import {
  groupEventsByRequest,
  sessionSummaryFromAggregations,
  summariseRequest,
} from './summary.js';

const URL = '/trace/v1/sessions/:applicationId';

export const sessionRoutes: FastifyPluginCallbackZod = (app, _options, done) => {
  registerCommands(app, URL, {
    GET: "The session timeline: the session's requests in time order, with summaries (paginated)",
    HEAD: 'Whether the session is known in the tenant: 204 or 404',
  });

  securedScope(app, { roles: READ_ROLES, tenant: true }, (secured) => {
    secured.get(
      URL,
      {
        schema: {
          summary: 'Session timeline',
          description:
            'The requests of one X-Application-Id in the order they started, each summarised, with ' +
            'the session summary. Paginated with $limit/$offset over requests.',
          params: SessionParamsSchema,
          querystring: SessionQuerySchema,
          response: {
            200: SessionTimelineSchema,
            206: SessionTimelineSchema,
            404: ErrorBodySchema,
          },
        },
      },
      async (request, reply) => {
        const { store, names, maxTimelineEvents, clockSkewToleranceMs } = app.ariane;
        const tenant = tenantOf(request);
        const context = { index: names.eventsPattern, tenant };
        const { applicationId } = request.params;
        const { $limit, $offset } = request.query;
        assertWithinResultWindow(request.query);

        const page = await store.search(
          sessionPageQuery(context, applicationId, { limit: $limit, offset: $offset }),
        );
        const summary = sessionSummaryFromAggregations(page.aggregations);
        if (summary.requests === 0 && summary.start === null)
          throw new ArianeError('ARIANE_NOT_FOUND', 'No event carries this session id');
        const requestIds = page.hits.hits.flatMap((hit) => {
          const id = (hit._source as Partial<TraceEvent> | undefined)?.http?.request?.id;
          return id === undefined ? [] : [id];
        });
        const fetched =
          requestIds.length === 0
            ? { events: [], total: 0 }
            : await fetchRequestEvents(store, context, requestIds, {
                names,
                maxEvents: maxTimelineEvents,
              });
        const groups = groupEventsByRequest(fetched.events, requestIds);
        const truncated = fetched.total > fetched.events.length;
        const results = requestIds.map((requestId) => {
          const events = groups.get(requestId) ?? [];
          return summariseRequest(
            buildRequestTimeline(events, {
              requestId,
              tenant,
              totalEvents: events.length,
              otherTenantMatches: 0,
              clockSkewToleranceMs,
            }),
          );
        });
        return reply.code(truncated ? 206 : 200).send({
          applicationId,
          summary,
          $hits: { total: summary.requests, offset: $offset, limit: $limit, size: results.length },
          $results: results,
          truncated,
        });
      },
    );

    secured.head(
      URL,
      { schema: { summary: 'Session existence', params: SessionParamsSchema } },
      async (request, reply) => {
        const { store, names } = app.ariane;
        const context = { index: names.eventsPattern, tenant: tenantOf(request) };
        const count = await store.count(sessionExistsQuery(context, request.params.applicationId));
        if (count === 0) throw new ArianeError('ARIANE_NOT_FOUND');
        return reply.code(204).send();
      },
    );
  });
  done();
};
