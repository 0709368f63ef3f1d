import type { Client } from '@elastic/elasticsearch';
import type { IndexNames } from '../../../core/src/es/index-names.js';
import { requestKeysOperations } from '../../../core/src/es/request-keys.js';
import { TraceEventSchema, type TraceEvent } from '../../../core/src/schemas/trace-event.js';
import { scanWithPit } from '../es/pit-scan.js';

/**
 * The request-keys index (ADR 005) under anonymisation. Its documents copy the identifiers of
 * the events carrying a request id, so a rewrite must not leave them behind. They are derived
 * data: before a batch of events is rewritten, every keys document holding one of the batch's
 * identifiers is deleted; once the index's rewrite is done, those requests' keys are derived
 * again from the events as they now are (the stand-in ids, or the original ones on events the
 * operation did not match). A crash in between leaves keys missing, never stale: the query API
 * then reads those timelines in two searches, which need no keys.
 */

const PAGE = 1_000;

/** Request ids, per tenant, whose keys a run deleted and must derive again. */
export type AffectedRequests = Map<string, Set<string>>;

/** Every identifier a keys document may hold, of `events`. */
function identifiersOf(events: readonly TraceEvent[]): string[] {
  const ids = new Set<string>();
  for (const event of events)
    for (const id of [
      event.http?.request?.id,
      event.transaction?.id,
      event.trace?.id,
      ...(event.ariane.correlation_ids ?? []),
    ])
      if (id !== undefined) ids.add(id);
  return [...ids];
}

/**
 * Deletes the keys documents of `tenant` holding any identifier of `events`, and records their
 * request ids (and `standIn` of each, the id the rewritten events will carry) in `affected`.
 */
export async function dropRequestKeys(
  es: Client,
  names: IndexNames,
  tenant: string,
  events: readonly TraceEvent[],
  standIn: (id: string) => string,
  affected: AffectedRequests,
): Promise<void> {
  const ids = identifiersOf(events);
  if (ids.length === 0) return;
  const query = {
    bool: {
      filter: [{ term: { tenant } }],
      should: [
        { terms: { request_id: ids } },
        { terms: { keys: ids } },
        { terms: { traces: ids } },
      ],
      minimum_should_match: 1,
    },
  };
  const requests = affected.get(tenant) ?? new Set<string>();
  affected.set(tenant, requests);
  for (const event of events) {
    const requestId = event.http?.request?.id;
    if (requestId !== undefined) requests.add(requestId).add(standIn(requestId));
  }
  if (!(await es.indices.exists({ index: names.requestKeys }))) return;
  await es.indices.refresh({ index: names.requestKeys });
  for await (const hits of scanWithPit(es, names.requestKeys, query, {
    pageSize: PAGE,
    source: true,
  })) {
    for (const hit of hits) {
      const requestId = (hit._source as { request_id?: unknown } | undefined)?.request_id;
      if (typeof requestId === 'string') requests.add(requestId).add(standIn(requestId));
    }
    await es.bulk({
      operations: hits.map((hit) => ({
        delete: { _index: names.requestKeys, _id: hit._id as string },
      })),
    });
  }
}

/** Derives the keys of every request in `affected` again from its events, then forgets them. */
export async function deriveRequestKeysAgain(
  es: Client,
  names: IndexNames,
  affected: AffectedRequests,
): Promise<void> {
  for (const [tenant, requestIds] of affected) {
    const ids = [...requestIds];
    affected.delete(tenant);
    if (ids.length === 0) continue;
    await es.indices.refresh({ index: names.eventsPattern });
    const query = {
      bool: {
        filter: [{ term: { 'organization.id': tenant } }, { terms: { 'http.request.id': ids } }],
      },
    };
    for await (const hits of scanWithPit(es, names.eventsPattern, query, {
      pageSize: PAGE,
      source: true,
    })) {
      const events = hits.flatMap((hit) => {
        const parsed = TraceEventSchema.safeParse(hit._source);
        return parsed.success ? [parsed.data] : [];
      });
      const operations = requestKeysOperations(names, events);
      if (operations.length > 0) await es.bulk({ operations });
    }
  }
}
