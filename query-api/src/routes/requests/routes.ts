import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { ArianeError } from '../../../../core/src/errors.js';
import { READ_ROLES, securedScope, tenantOf } from '../../plugins/access.js';
import { ErrorBodySchema } from '../../plugins/error-schema.js';
import { registerCommands } from '../commands.js';
import { fetchRequestEvents } from './fetch.js';
import { requestExistsQuery } from './query.js';
import { RequestParamsSchema, RequestTimelineSchema } from './schema.js';
import { buildRequestTimeline } from './timeline.js';

const URL = '/trace/v1/requests/:requestId';

export const requestRoutes: FastifyPluginCallbackZod = (app, _options, done) => {
  registerCommands(app, URL, {
    GET: 'The request timeline: hops, summary and anomalies of one X-Request-Id',
    HEAD: 'Whether the request id is known in the tenant: 204 or 404',
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
        const { store, names, maxTimelineEvents, clockSkewToleranceMs } = app.ariane;
        const tenant = tenantOf(request);
        const context = { index: names.eventsPattern, tenant };
        const { requestId } = request.params;
        const fetched = await fetchRequestEvents(store, context, [requestId], {
          names,
          maxEvents: maxTimelineEvents,
          countElsewhere: true,
        });
        if (!fetched.found)
          throw new ArianeError('ARIANE_NOT_FOUND', 'No event carries this request id');
        const timeline = buildRequestTimeline(fetched.events, {
          requestId,
          tenant,
          totalEvents: fetched.total,
          otherTenantMatches: fetched.elsewhere,
          clockSkewToleranceMs,
        });
        return reply.code(timeline.truncated ? 206 : 200).send(timeline);
      },
    );

    secured.head(
      URL,
      { schema: { summary: 'Request existence', params: RequestParamsSchema } },
      async (request, reply) => {
        const { store, names } = app.ariane;
        const context = { index: names.eventsPattern, tenant: tenantOf(request) };
        const count = await store.count(requestExistsQuery(context, request.params.requestId));
        if (count === 0) throw new ArianeError('ARIANE_NOT_FOUND');
        return reply.code(204).send();
      },
    );
  });
  done();
};
