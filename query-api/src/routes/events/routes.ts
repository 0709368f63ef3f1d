import type { FastifyReply } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { ArianeError } from '../../../../core/src/errors.js';
import {
  CursorHeadersSchema,
  EventsPageSchema,
  EventsQuerySchema,
  type EventsQuery,
} from '../../contract/events.js';
import type { QueryContext } from '../../context.js';
import { signCursor, verifyCursor, type CursorState } from '../../pagination/cursor.js';
import { assertWithinResultWindow } from '../../pagination/params.js';
import { READ_ROLES, principalOf, securedScope, tenantOf } from '../../plugins/access.js';
import type { EventPage, StoredEvent } from '../../store/event-store.js';
import { registerCommands } from '../commands.js';

const URL = '/trace/v1/events';
const RESOURCE = 'events';

export const eventRoutes: FastifyPluginCallbackZod = (app, _options, done) => {
  registerCommands(app, URL, {
    GET: 'Search events by time, client, service, status, method, path, duration, user or text',
  });

  securedScope(app, { roles: READ_ROLES, tenant: true }, (secured) => {
    secured.get(
      URL,
      {
        schema: {
          summary: 'Search events',
          description:
            'Paginated with $limit/$offset, or with the cursor: send `X-Cursor: true` to get ' +
            '`X-Cursor-Id` and `X-Cursor-Timeout`, then send `X-Cursor-Id` alone for each next page. ' +
            'No X-Cursor-Id in a response means it was the last page.',
          querystring: EventsQuerySchema,
          headers: CursorHeadersSchema,
          response: { 200: EventsPageSchema },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const subject = principalOf(request).subject;
        const cursorId = request.headers['x-cursor-id'];
        if (cursorId !== undefined)
          return nextCursorPage(app.ariane, reply, cursorId, tenant, subject);
        const params = request.query;
        if (request.headers['x-cursor'] === 'true') {
          if (params.$offset !== 0)
            throw new ArianeError('ARIANE_INVALID_PARAMETER', 'A cursor starts at $offset 0', [
              { field: 'querystring.$offset', issue: 'must be 0 with X-Cursor: true' },
            ]);
          const pit = await app.ariane.store.openPointInTime(
            app.ariane.names.eventsPattern,
            keepAlive(app.ariane),
          );
          return cursorPage(app.ariane, reply, {
            tenant,
            subject,
            params,
            pit,
            searchAfter: undefined,
            position: 0,
          });
        }
        assertWithinResultWindow(params);
        const page = await app.ariane.store.searchEvents(
          { index: app.ariane.names.eventsPattern, tenant },
          params,
        );
        return toPage(page, params.$offset, params.$limit);
      },
    );
  });
  done();
};

function keepAlive(context: QueryContext): string {
  return `${Math.ceil(context.cursorTtlMs / 1000)}s`;
}

async function nextCursorPage(
  context: QueryContext,
  reply: FastifyReply,
  cursorId: string,
  tenant: string,
  subject: string,
) {
  const state = verifyCursor(cursorId, context.cursorSecret, {
    resource: RESOURCE,
    tenant,
    subject,
    now: context.now().getTime(),
  });
  const params = EventsQuerySchema.parse(state.params);
  return cursorPage(context, reply, {
    tenant,
    subject,
    params,
    pit: state.pit,
    searchAfter: state.searchAfter,
    position: state.position,
  });
}

interface CursorStep {
  tenant: string;
  subject: string;
  params: EventsQuery;
  pit: string;
  searchAfter: CursorState['searchAfter'] | undefined;
  position: number;
}

/**
 * Serves one page over the point in time. A full page gets a fresh cursor (the point in time
 * is kept alive by the search itself); a short page is the last one, so the point in time is
 * closed and no cursor is returned.
 */
async function cursorPage(context: QueryContext, reply: FastifyReply, step: CursorStep) {
  const page = await context.store.searchEventsAfter(
    step.tenant,
    step.params,
    { id: step.pit, keepAlive: keepAlive(context) },
    step.searchAfter,
  );
  const { pit } = page;
  if (page.events.length === step.params.$limit && page.after) {
    const expiresAt = context.now().getTime() + context.cursorTtlMs;
    const state: CursorState = {
      v: 1,
      resource: RESOURCE,
      tenant: step.tenant,
      subject: step.subject,
      pit,
      searchAfter: [...page.after],
      position: step.position + page.events.length,
      params: { ...step.params },
      expiresAt,
    };
    reply.header('x-cursor-id', signCursor(state, context.cursorSecret));
    reply.header('x-cursor-timeout', new Date(expiresAt).toISOString());
  } else {
    await context.store.closePointInTime(pit);
  }
  return toPage(page, step.position, step.params.$limit);
}

function toPage(page: EventPage<StoredEvent>, offset: number, limit: number) {
  return {
    $hits: { total: page.total, offset, limit, size: page.events.length },
    $results: page.events,
  };
}
