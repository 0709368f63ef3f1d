import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { FastifyPluginCallbackZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { ArianeError } from '../../../core/src/errors.js';
import type { Authenticator } from '../auth/authenticator.js';
import { TenantIdSchema, mayReadTenant, type Principal, type Role } from '../auth/principal.js';

declare module 'fastify' {
  interface FastifyInstance {
    authenticator: Authenticator;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
    tenant: string | undefined;
  }
}

/** Decorates the app with the authenticator; route plugins opt in with `securedScope`. */
export const accessPlugin = fp<{ authenticator: Authenticator }>(
  (app, options, done) => {
    app.decorate('authenticator', options.authenticator);
    app.decorateRequest('principal', undefined);
    app.decorateRequest('tenant', undefined);
    done();
  },
  { name: 'ariane-access' },
);

export interface AccessRule {
  /** The caller needs at least one of these roles. */
  readonly roles: readonly Role[];
  /** Whether the route reads or writes a tenant's data, so X-Tenant-Id is required. */
  readonly tenant: boolean;
}

/** Roles that may read timelines and search. */
export const READ_ROLES: readonly Role[] = ['support', 'compliance', 'admin'];

/**
 * An onRequest hook that authenticates the caller, checks its role and, for tenant routes,
 * checks X-Tenant-Id against the tenants its credentials grant. The conventions have no 403:
 * a caller who may not do something gets 401 with a code that says why.
 *
 * Route plugins use it through `securedScope`.
 */
export function requireAccess(rule: AccessRule): onRequestAsyncHookHandler {
  return async function checkAccess(request: FastifyRequest, _reply: FastifyReply) {
    const principal = await request.server.authenticator.authenticate(request.headers);
    request.principal = principal;
    if (!rule.roles.some((role) => principal.roles.includes(role)))
      throw new ArianeError(
        'ARIANE_FORBIDDEN',
        `One of these roles is required: ${rule.roles.join(', ')}`,
      );
    if (!rule.tenant) return;
    const header = request.headers['x-tenant-id'];
    if (header === undefined || header === '') throw new ArianeError('ARIANE_TENANT_REQUIRED');
    const parsed = TenantIdSchema.safeParse(header);
    if (!parsed.success)
      throw new ArianeError('ARIANE_INVALID_HEADER', undefined, [
        { field: 'headers.x-tenant-id', issue: '1-64 characters among A-Z a-z 0-9 . _ : -' },
      ]);
    if (!mayReadTenant(principal, parsed.data)) throw new ArianeError('ARIANE_TENANT_FORBIDDEN');
    request.tenant = parsed.data;
  };
}

type ZodApp = Parameters<FastifyPluginCallbackZod>[0];

/**
 * Registers `routes` in an encapsulated scope where every request first passes `rule`. Routes a
 * plugin registers on `app` itself, outside this scope (OPTIONS, the 501 answers), stay open.
 */
export function securedScope(
  app: ZodApp,
  rule: AccessRule,
  routes: (secured: ZodApp) => void,
): void {
  void app.register((scope, _options, done) => {
    const secured = scope.withTypeProvider<ZodTypeProvider>();
    secured.addHook('onRequest', requireAccess(rule));
    routes(secured);
    done();
  });
}

/** The tenant checked by `requireAccess`; every Elasticsearch query is scoped with it. */
export function tenantOf(request: FastifyRequest): string {
  if (request.tenant === undefined)
    throw new Error('tenantOf called on a route outside securedScope({ tenant: true })');
  return request.tenant;
}

export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === undefined)
    throw new Error('principalOf called on a route outside securedScope');
  return request.principal;
}
