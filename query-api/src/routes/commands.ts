import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ArianeError } from '../../../core/src/errors.js';

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];

export const CommandsSchema = z.object({
  resource: z.string(),
  commands: z.array(
    z.object({ method: z.enum([...HTTP_METHODS, 'OPTIONS']), description: z.string() }),
  ),
});

/**
 * The conventions' "list the available commands": `OPTIONS <url>` answers 200 with the
 * methods the resource supports (also in `Allow`), and every other method answers 501 rather
 * than a bare 404, so a caller learns the resource exists but the command does not.
 * OPTIONS needs no credentials: it describes the API, never data.
 */
export function registerCommands(
  app: FastifyInstance,
  url: string,
  commands: Partial<Record<HttpMethod, string>>,
): void {
  const listed = [
    ...Object.entries(commands).map(([method, description]) => ({
      method: method as HttpMethod,
      description,
    })),
    { method: 'OPTIONS' as const, description: 'Lists the available commands' },
  ];
  const allow = listed.map((command) => command.method).join(', ');
  app.route({
    method: 'OPTIONS',
    url,
    schema: {
      summary: `Commands available on ${url}`,
      security: [],
      response: { 200: CommandsSchema },
    },
    handler: (_request, reply) => {
      void reply.header('allow', allow).send({ resource: url, commands: listed });
    },
  });
  const unsupported = HTTP_METHODS.filter((method) => !(method in commands));
  if (unsupported.length === 0) return;
  app.route({
    method: unsupported,
    url,
    schema: { hide: true },
    handler: (_request, reply) => {
      reply.header('allow', allow);
      throw new ArianeError('ARIANE_NOT_IMPLEMENTED', `Supported on this resource: ${allow}`);
    },
  });
}
