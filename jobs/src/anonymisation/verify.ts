import { isIP } from 'node:net';
import type { Client, estypes } from '@elastic/elasticsearch';
import type { Verification } from '../../../core/src/anonymisation/operations.js';
import { escapeRegExp } from '../../../core/src/anonymisation/scrub.js';
import { TENANT_FIELD } from '../../../core/src/anonymisation/selector.js';
import { scanWithPit } from '../es/pit-scan.js';
import { fieldsListed } from './erasure-decision.js';
import type { ErasureStore } from './erasure-store.js';

/** Every indexed field of the events template that can hold an identifier. */
const KEYWORD_FIELDS = [
  'event.id',
  'http.request.id',
  'transaction.id',
  'trace.id',
  'span.id',
  'parent.id',
  'url.path',
  'url.query',
  'url.original',
  'user.id',
  'user_agent.original',
  'ariane.session_id',
  'ariane.client_id',
  'ariane.app_name',
  'ariane.correlation_ids',
  'ariane.source.offset',
] as const;
const IP_FIELDS = ['client.ip', 'network.forwarded_ip'] as const;

/**
 * Proves that `value` is gone from `tenant`'s events in `index`, before an operation may be
 * reported done:
 * - a term query on every identifier field (IP fields only when the value is an IP), and a phrase
 *   query over every field with `lenient`, find no live document;
 * - a terms aggregation with `min_doc_count: 0` and `include: [value]` returns no bucket on any
 *   shard copy, primary or replica: it reads the term dictionaries, which still list terms that
 *   only deleted documents hold;
 * - the `_source` of every document the operation rewrote does not contain the value (fields that
 *   are stored but not indexed, such as header blocks, are only visible there);
 * Failures name the check, index and field, never the value. That no shard copy holds a deleted
 * document is proven by the erasure itself, under the index's write block (`erase.ts`): once
 * ingest writes again, fresh overwrites leave deleted versions that are none of this check's.
 */
export async function verifyErased(
  es: Client,
  store: ErasureStore,
  index: string,
  value: string,
  operation: { readonly operationId: string; readonly tenant: string },
): Promise<Verification> {
  const { operationId, tenant } = operation;
  const failures: string[] = [];
  let checks = 0;
  const ipFields = isIP(value) ? IP_FIELDS : [];
  const fields = [...KEYWORD_FIELDS, ...ipFields];
  // Bounded by non-alphanumerics, so a short value does not "occur" inside a random stand-in.
  const needle = new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(value)}(?![A-Za-z0-9])`, 'i');
  const count = async (query: estypes.QueryDslQueryContainer) =>
    (await es.count({ index, query })).count;
  const inTenant = (query: estypes.QueryDslQueryContainer) => ({
    bool: { filter: [{ term: { [TENANT_FIELD]: tenant } }, query] },
  });
  // Another tenant's live events may legitimately hold the same value: the term dictionary
  // then lists it whatever this operation did, so the lookup only covers the other fields.
  const heldElsewhere = new Set<string>();
  for (const field of fields) {
    checks += 1;
    const term = { term: { [field]: value } };
    if ((await count(inTenant(term))) > 0) failures.push(`term:${index}:${field}`);
    else if ((await count(term)) > 0) heldElsewhere.add(field);
  }
  checks += 1;
  const anywhere = {
    multi_match: { query: value, fields: ['*'], type: 'phrase' as const, lenient: true },
  };
  if ((await count(inTenant(anywhere))) > 0) failures.push(`search:${index}`);

  checks += 1;
  const lookupFields = fields.filter((field) => !heldElsewhere.has(field));
  if (lookupFields.length > 0)
    for (const field of fieldsListed(
      lookupFields,
      await store.termOnCopies(index, lookupFields, value),
    ))
      failures.push(`terms:${index}:${field}`);

  checks += 1;
  const rewritten = { term: { 'ariane.anonymisation_id': operationId } };
  for await (const hits of scanWithPit(es, index, rewritten, { pageSize: 500, source: true }))
    if (hits.some((hit) => needle.test(JSON.stringify(hit._source))))
      failures.push(`source:${index}`);

  return { passed: failures.length === 0, checks, failures: [...new Set(failures)] };
}

/** One verification out of several indices' own. */
export function combineVerifications(parts: readonly Verification[]): Verification {
  const failures = parts.flatMap((part) => part.failures);
  return {
    passed: failures.length === 0,
    checks: parts.reduce((sum, part) => sum + part.checks, 0),
    failures,
  };
}
