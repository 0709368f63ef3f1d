import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  OperationSchema,
  type OperationStore,
} from '../../../../core/src/anonymisation/operations.js';
import { ArianeError } from '../../../../core/src/errors.js';
import { HitsSchema, PaginationQuerySchema } from '../../contract/pagination.js';
import { assertWithinResultWindow } from '../../pagination/params.js';
import { securedScope, tenantOf } from '../../plugins/access.js';
import { ErrorBodySchema } from '../../plugins/error-schema.js';
import { registerCommands } from '../commands.js';

const URL = '/trace/v1/operations';

export function operationUri(operationId: string): string {
  return `${URL}/${encodeURIComponent(operationId)}`;
}

export const OperationsPageSchema = z.object({
  $hits: HitsSchema,
  $results: z.array(OperationSchema),
});

export interface OperationRoutesOptions {
  readonly operations: OperationStore;
}

/**
 * Polling and audit of asynchronous operations, for compliance officers and admins, scoped to the
 * X-Tenant-Id tenant: another tenant's operation is a 404. `GET /operations/{id}` answers 202
 * while the operation is pending or running (progress: events done / total) and 200 once it is
 * done or failed, with its result.
 */
export const operationRoutes: FastifyPluginCallbackZod<OperationRoutesOptions> = (
  app,
  options,
  done,
) => {
  registerCommands(app, URL, { GET: 'List anonymisation operations, newest first' });
  registerCommands(app, `${URL}/:operationId`, { GET: 'Follow one operation' });
  securedScope(app, { roles: ['compliance', 'admin'], tenant: true }, (secured) => {
    secured.get(
      `${URL}/:operationId`,
      {
        schema: {
          summary: 'Follow an operation',
          params: z.object({ operationId: z.string().min(1).max(64) }),
          response: { 200: OperationSchema, 202: OperationSchema, 404: ErrorBodySchema },
        },
      },
      async (request, reply) => {
        const operation = await options.operations.find(
          request.params.operationId,
          tenantOf(request),
        );
        if (!operation) throw new ArianeError('ARIANE_NOT_FOUND', 'No such operation');
        const finished = operation.status === 'done' || operation.status === 'failed';
        return reply.code(finished ? 200 : 202).send(operation);
      },
    );
    secured.get(
      URL,
      {
        schema: {
          summary: 'List operations',
          querystring: PaginationQuerySchema,
          response: { 200: OperationsPageSchema },
        },
      },
      async (request) => {
        const { $limit, $offset } = request.query;
        assertWithinResultWindow(request.query);
        const page = await options.operations.list(tenantOf(request), {
          limit: $limit,
          offset: $offset,
        });
        return {
          $hits: { total: page.total, offset: $offset, limit: $limit, size: page.items.length },
          $results: page.items,
        };
      },
    );
  });
  done();
};
