import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ArianeError, type ErrorCode, type ErrorDetail } from '../../../core/src/errors.js';

/** The error body of every 4xx/5xx answer (docs/errors.md lists the codes). */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details: ErrorDetail[];
  requestId: string;
}

/** Query parameters whose `too_big` means "more than the service accepts" (413), not "malformed". */
const CAPACITY_PARAMETERS = new Set(['$limit', '$offset']);

/** Fastify's own client errors, by status, mapped onto the registry. */
const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'ARIANE_BAD_REQUEST',
  404: 'ARIANE_NOT_FOUND',
  413: 'ARIANE_PAYLOAD_TOO_LARGE',
  415: 'ARIANE_UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Turns any failure into a registry error. Validation errors name the fields (never their
 * values); ArianeErrors pass through; everything else is a 500 whose body says nothing about
 * the cause, which is logged by name and code only (messages may quote caller input).
 */
export function toArianeError(error: unknown): { error: ArianeError; unexpected: boolean } {
  if (error instanceof ArianeError) return { error, unexpected: false };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext ?? 'request';
    const details = error.validation.map((issue) => ({
      field: `${context}${issue.instancePath.replaceAll('/', '.')}`,
      issue: issue.message ?? 'invalid',
    }));
    const tooLarge = error.validation.some(
      (issue) =>
        issue.keyword === 'too_big' && CAPACITY_PARAMETERS.has(issue.instancePath.slice(1)),
    );
    return {
      error: new ArianeError(
        tooLarge ? 'ARIANE_RESULT_TOO_LARGE' : 'ARIANE_INVALID_PARAMETER',
        undefined,
        details,
      ),
      unexpected: false,
    };
  }
  const status = (error as Partial<FastifyError>).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code = STATUS_CODES[status] ?? 'ARIANE_BAD_REQUEST';
    return { error: new ArianeError(code), unexpected: false };
  }
  return { error: new ArianeError('ARIANE_INTERNAL'), unexpected: true };
}

export function errorBody(error: ArianeError, requestId: string): ErrorBody {
  return { code: error.code, message: error.message, details: [...error.details], requestId };
}

export const errorsPlugin = fp(
  (app, _options, done) => {
    app.setErrorHandler((raw: unknown, request: FastifyRequest, reply: FastifyReply) => {
      const { error, unexpected } = toArianeError(raw);
      if (unexpected) {
        const { name, code } = raw as { name?: string; code?: string };
        request.server.log.error(
          { err: { name, code }, route: request.routeOptions.url },
          'request failed',
        );
      } else if (error.status >= 500) {
        request.server.log.warn(
          { code: error.code, route: request.routeOptions.url },
          'request failed',
        );
      }
      return reply.code(error.status).type('application/json').send(errorBody(error, request.id));
    });
    app.setNotFoundHandler((request, reply) => {
      const error = new ArianeError('ARIANE_ROUTE_NOT_FOUND');
      return reply.code(error.status).type('application/json').send(errorBody(error, request.id));
    });
    done();
  },
  { name: 'ariane-errors' },
);
