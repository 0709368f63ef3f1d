import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { ArianeError } from '../../../../core/src/errors.js';
import { RequestParamsSchema, RequestTimelineSchema } from '../../contract/request-timeline.js';
import { READ_ROLES, securedScope, tenantOf } from '../../plugins/access.js';
import { ErrorBodySchema } from '../../plugins/error-schema.js';
import { readRequestTimeline } from '../../timeline/read-request.js';
import { registerCommands } from '../commands.js';

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
        const scope = { index: names.eventsPattern, tenant: tenantOf(request) };
        const timeline = await readRequestTimeline(store, scope, request.params.requestId, {
          names,
          maxEvents: maxTimelineEvents,
          clockSkewToleranceMs,
        });
        if (!timeline)
          throw new ArianeError('ARIANE_NOT_FOUND', 'No event carries this request id');
        return reply.code(timeline.truncated ? 206 : 200).send(timeline);
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
