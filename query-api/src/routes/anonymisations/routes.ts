import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AnonymisationRequestSchema,
  type OperationStore,
} from '../../../../core/src/anonymisation/operations.js';
import { principalOf, securedScope, tenantOf } from '../../plugins/access.js';
import { registerCommands } from '../commands.js';
import { operationUri } from '../operations/routes.js';

const URL = '/trace/v1/anonymisations';

export const OperationAcceptedSchema = z.object({ operationId: z.string(), uri: z.string() });

export interface AnonymisationRoutesOptions {
  readonly operations: OperationStore;
}

/**
 * `POST /trace/v1/anonymisations`: queues an irreversible anonymisation of the caller's tenant
 * and answers 202 with the operation's URI (the conventions' asynchronous model). The jobs
 * service runs it; `GET /trace/v1/operations/{id}` follows it.
 */
export const anonymisationRoutes: FastifyPluginCallbackZod<AnonymisationRoutesOptions> = (
  app,
  options,
  done,
) => {
  registerCommands(app, URL, { POST: 'Request the irreversible anonymisation of a selector' });
  securedScope(app, { roles: ['compliance', 'admin'], tenant: true }, (secured) => {
    secured.post(
      URL,
      {
        schema: {
          summary: 'Request an anonymisation',
          description:
            'The selector is a session (X-Application-Id), request id, client IP, user id or ' +
            'OAuth client id, with an optional time range; only the X-Tenant-Id tenant is touched. ' +
            'The reason is stored for audit: a ticket reference, never personal data.',
          body: AnonymisationRequestSchema,
          response: { 202: OperationAcceptedSchema },
        },
      },
      async (request, reply) => {
        const operation = await options.operations.queue({
          tenant: tenantOf(request),
          requestedBy: principalOf(request).subject,
          request: request.body,
        });
        const uri = operationUri(operation.operationId);
        return reply
          .code(202)
          .header('location', uri)
          .send({ operationId: operation.operationId, uri });
      },
    );
  });
  done();
};
