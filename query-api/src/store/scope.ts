import type { estypes } from '@elastic/elasticsearch';

type Query = estypes.QueryDslQueryContainer;

/** The field that holds X-Tenant-Id in every stored event. */
export const TENANT_FIELD = 'organization.id';

/**
 * The tenant boundary. Every query the API sends to Elasticsearch goes through `scopeToTenant`,
 * so whatever filters a caller crafts, the tenant filter sits beside them in a bool `filter`
 * clause that nothing inside `query` can widen.
 */
export function scopeToTenant(tenant: string, query: Query | undefined): Query {
  const filter: Query[] = [{ term: { [TENANT_FIELD]: tenant } }];
  if (query) filter.push(query);
  return { bool: { filter } };
}

/**
 * The one deliberate look outside the caller's tenant: whether `query` also matches events of
 * other tenants. It is only ever sent as a count, so the caller learns a number, never data.
 */
export function outsideTenant(tenant: string, query: Query): Query {
  return { bool: { filter: [query], must_not: [{ term: { [TENANT_FIELD]: tenant } }] } };
}
