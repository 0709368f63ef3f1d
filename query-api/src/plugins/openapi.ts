import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { ErrorBodySchema } from './error-schema.js';

export const OPENAPI_URL = '/trace/v1/openapi.json';
export const DOCS_URL = '/trace/v1/docs';

/**
 * The OpenAPI 3 document, generated from the routes' zod schemas, and a docs page whose
 * assets are served by the API itself (no CDN: it works offline). Register before routes.
 */
export const openapiPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Ariane query API',
          description:
            'Request and session timelines and event search over API gateway and backend logs. ' +
            'Every business call needs a bearer token (or API key) and X-Tenant-Id.',
          version: '1.0.0',
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
            apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
          },
        },
        security: [{ bearer: [] }, { apiKey: [] }],
      },
      transform: (input) => jsonSchemaTransform(withErrorResponses(input)),
    });
    await app.register(swaggerUi, { routePrefix: DOCS_URL, uiConfig: { url: OPENAPI_URL } });
    app.get(OPENAPI_URL, { schema: { hide: true } }, (_request, reply) =>
      reply.send(app.swagger()),
    );
  },
  { name: 'ariane-openapi' },
);

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/** Answers any route may give: malformed input, oversized headers or body, media type, crash. */
const COMMON_ERRORS = [400, 413, 415, 500] as const;
/** Answers of routes behind `securedScope`, which read Elasticsearch. */
const SECURED_ERRORS = [401, 503] as const;

/**
 * Documents the error answers next to each route's own, so a client generated from the
 * document (or a schema-driven fuzzer) knows every status the API may send and its body.
 * Routes declare `security: []` when they need no credentials; a cursor route (one that reads
 * `x-cursor-id`) may also answer 412. A route's own response for a status wins.
 */
function withErrorResponses(input: TransformInput): TransformInput {
  const { schema } = input;
  if (!schema || schema.hide) return input;
  const secured = schema.security?.length !== 0;
  const statuses: number[] = [...COMMON_ERRORS, ...(secured ? SECURED_ERRORS : [])];
  const headers = schema.headers as { shape?: Record<string, unknown> } | undefined;
  if (headers?.shape && 'x-cursor-id' in headers.shape) statuses.push(412);
  const errors = Object.fromEntries(statuses.map((status) => [status, ErrorBodySchema]));
  const own = schema.response as Record<string, unknown> | undefined;
  return { ...input, schema: { ...schema, response: { ...errors, ...own } } };
}
