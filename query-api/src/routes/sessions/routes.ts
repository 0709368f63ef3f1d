import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { ArianeError } from '../../../../core/src/errors.js';
import {
  SessionParamsSchema,
  SessionQuerySchema,
  SessionTimelineSchema,
} from '../../contract/session-timeline.js';
import { assertWithinResultWindow } from '../../pagination/params.js';
import { READ_ROLES, securedScope, tenantOf } from '../../plugins/access.js';
import { ErrorBodySchema } from '../../plugins/error-schema.js';
import { readSessionTimeline } from '../../timeline/read-session.js';
import { registerCommands } from '../commands.js';

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
        const { store, names, maxTimelineEvents, clockSkewToleranceMs, baselines } = app.ariane;
        const scope = { index: names.eventsPattern, tenant: tenantOf(request) };
        const { $limit, $offset } = request.query;
        assertWithinResultWindow(request.query);
        const session = await readSessionTimeline(
          store,
          scope,
          request.params.applicationId,
          { limit: $limit, offset: $offset },
          { names, maxEvents: maxTimelineEvents, clockSkewToleranceMs, baselines },
        );
        if (!session) throw new ArianeError('ARIANE_NOT_FOUND', 'No event carries this session id');
        return reply.code(session.truncated ? 206 : 200).send(session);
      },
    );

    secured.head(
      URL,
      { schema: { summary: 'Session existence', params: SessionParamsSchema } },
      async (request, reply) => {
        const { store, names } = app.ariane;
        const scope = { index: names.eventsPattern, tenant: tenantOf(request) };
        if (!(await store.sessionExists(scope, request.params.applicationId)))
          throw new ArianeError('ARIANE_NOT_FOUND');
        return reply.code(204).send();
      },
    );
  });
  done();
};
