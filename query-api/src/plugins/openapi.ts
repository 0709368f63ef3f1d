import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

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
      transform: jsonSchemaTransform,
    });
    await app.register(swaggerUi, { routePrefix: DOCS_URL, uiConfig: { url: OPENAPI_URL } });
    app.get(OPENAPI_URL, { schema: { hide: true } }, (_request, reply) =>
      reply.send(app.swagger()),
    );
  },
  { name: 'ariane-openapi' },
);
