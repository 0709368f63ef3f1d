import { z } from 'zod';

export const ROLES = ['support', 'compliance', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

const TenantIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/);

/**
 * The claims Ariane reads from a bearer token (documented in query-api/README.md). `tenants`
 * is the list of X-Tenant-Id values the caller may read; `"*"` (all tenants) is honoured only
 * together with the admin role.
 */
export const TokenClaimsSchema = z.object({
  sub: z.string().min(1).max(256),
  roles: z.array(RoleSchema).min(1),
  tenants: z.union([z.literal('*'), z.array(z.union([TenantIdSchema, z.literal('*')])).min(1)]),
});
export type TokenClaims = z.infer<typeof TokenClaimsSchema>;

export interface Principal {
  readonly subject: string;
  readonly kind: 'jwt' | 'api-key';
  readonly roles: readonly Role[];
  /** Tenants the caller may read, or 'all' for an admin granted `*`. */
  readonly tenants: readonly string[] | 'all';
}

export function principalFromClaims(claims: TokenClaims, kind: Principal['kind']): Principal {
  const wildcard = claims.tenants === '*' || claims.tenants.includes('*');
  const isAdmin = claims.roles.includes('admin');
  return {
    subject: claims.sub,
    kind,
    roles: claims.roles,
    tenants:
      wildcard && isAdmin ? 'all' : [claims.tenants].flat().filter((tenant) => tenant !== '*'),
  };
}

export function mayReadTenant(principal: Principal, tenant: string): boolean {
  return principal.tenants === 'all' || principal.tenants.includes(tenant);
}

export { TenantIdSchema };
