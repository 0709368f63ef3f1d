import type { estypes } from '@elastic/elasticsearch';
import type { DeadLettersQuery } from '../contract/dead-letters.js';

type Query = estypes.QueryDslQueryContainer;
type SearchRequest = estypes.SearchRequest;

/** As the events search: no prefix, fuzzy, slop or near operators. */
const FREE_TEXT_FLAGS = 'AND|OR|NOT|PHRASE|PRECEDENCE|ESCAPE|WHITESPACE';

/**
 * Whose dead letters a caller sees: those attributed to the X-Tenant-Id tenant, or (only for a
 * caller granted every tenant, checked by the route) those attributed to none. Sits in a bool
 * `filter` beside the caller's filters, which nothing in them can widen.
 */
export type DeadLetterScope = { readonly tenant: string } | { readonly unattributed: true };

function scopeFilter(scope: DeadLetterScope): Query {
  return 'tenant' in scope
    ? { term: { tenant: scope.tenant } }
    : { bool: { must_not: [{ exists: { field: 'tenant' } }] } };
}

/** One page of dead letters, newest first; the source position breaks ties. */
export function deadLettersPageQuery(
  index: string,
  scope: DeadLetterScope,
  params: DeadLettersQuery,
): SearchRequest {
  const filter: Query[] = [scopeFilter(scope)];
  if (params.from || params.to)
    filter.push({
      range: {
        failed_at: {
          ...(params.from && { gte: params.from }),
          ...(params.to && { lt: params.to }),
        },
      },
    });
  if (params.reason) filter.push({ term: { reason: params.reason } });
  if (params.topic) filter.push({ term: { 'source.topic': params.topic } });
  const must: Query[] = params.q
    ? [
        {
          simple_query_string: {
            query: params.q,
            fields: ['payload.data'],
            default_operator: 'and',
            flags: FREE_TEXT_FLAGS,
            lenient: true,
          },
        },
      ]
    : [];
  return {
    index,
    ignore_unavailable: true,
    allow_no_indices: true,
    from: params.$offset,
    size: params.$limit,
    track_total_hits: true,
    query: { bool: { filter, must } },
    sort: [
      { failed_at: { order: 'desc' } },
      { 'source.topic': { order: 'asc' } },
      { 'source.partition': { order: 'asc' } },
      { 'source.offset': { order: 'asc' } },
    ],
  };
}
