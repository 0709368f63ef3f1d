import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { ArianeError } from '../../../../core/src/errors.js';
import { StoredDeadLetterSchema } from '../../../../core/src/schemas/dead-letter.js';
import { principalOf, securedScope, tenantOf } from '../../plugins/access.js';
import { registerCommands } from '../commands.js';
import { DeadLettersPageSchema, DeadLettersQuerySchema } from '../../contract/dead-letters.js';

const URL = '/trace/v1/dead-letters';

/**
 * The records ingest could not index, for support to see why and fix and replay them, from
 * `<prefix>-dead-letters`. Scoped to the X-Tenant-Id tenant when the payload named one; those
 * that named none are listed (`unattributed=true`) only to callers granted every tenant.
 * Payloads are as ingest kept them (credentials redacted), or scrubbed by an anonymisation.
 */
export const deadLetterRoutes: FastifyPluginCallbackZod = (app, _options, done) => {
  registerCommands(app, URL, { GET: 'List and search dead letters, newest first' });
  securedScope(app, { roles: ['support', 'admin'], tenant: true }, (secured) => {
    secured.get(
      URL,
      {
        schema: {
          summary: 'List dead letters',
          description:
            'Records ingest refused, with the reason, source position and payload, newest first.',
          querystring: DeadLettersQuerySchema,
          response: { 200: DeadLettersPageSchema },
        },
      },
      async (request) => {
        const params = request.query;
        if (params.unattributed && principalOf(request).tenants !== 'all')
          throw new ArianeError(
            'ARIANE_FORBIDDEN',
            'Only a caller granted every tenant may list unattributed dead letters',
          );
        const scope = params.unattributed
          ? { unattributed: true as const }
          : { tenant: tenantOf(request) };
        const page = await app.ariane.store.searchDeadLetters(
          app.ariane.names.deadLetters,
          scope,
          params,
        );
        const results = page.deadLetters.flatMap(({ id, stored }) => {
          // A document that is not a dead letter (a foreign writer) is left out, not served.
          const parsed = StoredDeadLetterSchema.safeParse(stored);
          return parsed.success ? [{ id, ...parsed.data }] : [];
        });
        return {
          $hits: {
            total: page.total,
            offset: params.$offset,
            limit: params.$limit,
            size: results.length,
          },
          $results: results,
        };
      },
    );
  });
  done();
};
