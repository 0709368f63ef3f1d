import type { Client, estypes } from '@elastic/elasticsearch';
import { z } from 'zod';
import type { TraceEvent } from '../schemas/trace-event.js';
import type { IndexNames } from './index-names.js';
import { ensureSmallIndex } from './small-indices.js';

/**
 * The request-keys index (ADR 005): one document per tenant and request id listing the join keys
 * of the request's events — the Axway transaction and correlation ids and the W3C trace ids that
 * the events carrying the request id carry. A request timeline then needs one search: its
 * `terms` lookups read this document inside Elasticsearch, on the coordinating node, and match
 * the summary, policy-path and backend lines that carry no request id.
 *
 * The document is derived data: a pure function of the events carrying the request id
 * (`requestKeysOf`), merged by a script that only ever adds, so any order of arrival, late
 * events and replays give the same document. Whoever writes such events writes this too
 * (ingest's bulk writer, the bench's preload, the anonymisation's re-derivation).
 */

/** Upper bound on the transaction and correlation ids one request id may gather. */
export const MAX_REQUEST_KEYS = 1_000;
/** Upper bound on the W3C trace ids one request id may gather. */
export const MAX_REQUEST_TRACES = 100;
/** Elasticsearch refuses longer `_id`s; such a request is then read in two searches. */
const MAX_ID_BYTES = 512;

export const RequestKeysSchema = z.object({
  tenant: z.string(),
  request_id: z.string(),
  keys: z.array(z.string()),
  traces: z.array(z.string()),
  /** Earliest and latest `@timestamp` of the request's own events: retention reads `last`. */
  first: z.string(),
  last: z.string(),
});
export type RequestKeys = z.infer<typeof RequestKeysSchema>;

/** The `_id` of a tenant's request id, or undefined when it cannot be one. */
export function requestKeysId(tenant: string, requestId: string): string | undefined {
  const id = `${tenant}/${requestId}`;
  return Buffer.byteLength(id) <= MAX_ID_BYTES ? id : undefined;
}

/**
 * The request-keys documents `events` contribute to, one per tenant and request id, with the
 * indices of the events behind each (so a failed update can send them back for a retry).
 * Events without a tenant or a request id contribute nothing: no timeline reads them by it.
 */
export function requestKeysOf(
  events: readonly TraceEvent[],
): { id: string; doc: RequestKeys; from: number[] }[] {
  const byId = new Map<string, { id: string; doc: RequestKeys; from: number[] }>();
  events.forEach((event, position) => {
    const tenant = event.organization?.id;
    const requestId = event.http?.request?.id;
    if (tenant === undefined || requestId === undefined) return;
    const id = requestKeysId(tenant, requestId);
    const at = Date.parse(event['@timestamp']);
    if (id === undefined || !Number.isFinite(at)) return;
    const iso = new Date(at).toISOString();
    let entry = byId.get(id);
    if (!entry) {
      entry = {
        id,
        doc: { tenant, request_id: requestId, keys: [], traces: [], first: iso, last: iso },
        from: [],
      };
      byId.set(id, entry);
    }
    const { doc } = entry;
    entry.from.push(position);
    const keys = [event.transaction?.id, ...(event.ariane.correlation_ids ?? [])];
    for (const key of keys)
      if (key !== undefined && doc.keys.length < MAX_REQUEST_KEYS && !doc.keys.includes(key))
        doc.keys.push(key);
    const trace = event.trace?.id;
    if (
      trace !== undefined &&
      doc.traces.length < MAX_REQUEST_TRACES &&
      !doc.traces.includes(trace)
    )
      doc.traces.push(trace);
    if (iso < doc.first) doc.first = iso;
    if (iso > doc.last) doc.last = iso;
  });
  return [...byId.values()];
}

/**
 * Adds the new keys and widens the time span; a no-op (no new version, no deleted document)
 * when nothing is new, which is the common case of a request's later events. ISO-8601 UTC
 * strings of one format compare as their instants.
 */
const MERGE = `
boolean changed = false;
for (String k : params.doc.keys) {
  if (ctx._source.keys.size() < params.maxKeys && !ctx._source.keys.contains(k)) { ctx._source.keys.add(k); changed = true; }
}
for (String t : params.doc.traces) {
  if (ctx._source.traces.size() < params.maxTraces && !ctx._source.traces.contains(t)) { ctx._source.traces.add(t); changed = true; }
}
if (params.doc.first.compareTo(ctx._source.first) < 0) { ctx._source.first = params.doc.first; changed = true; }
if (params.doc.last.compareTo(ctx._source.last) > 0) { ctx._source.last = params.doc.last; changed = true; }
if (!changed) { ctx.op = 'none'; }
`;

/** The `_bulk` update (an upsert, then a merge) of one request-keys document. */
export function requestKeysUpdate(
  index: string,
  id: string,
  doc: RequestKeys,
): [estypes.BulkOperationContainer, estypes.BulkUpdateAction] {
  return [
    { update: { _index: index, _id: id, retry_on_conflict: 5 } },
    {
      script: {
        lang: 'painless',
        source: MERGE,
        params: { doc, maxKeys: MAX_REQUEST_KEYS, maxTraces: MAX_REQUEST_TRACES },
      },
      upsert: doc,
    },
  ];
}

/** The `_bulk` operations that record `events`' join keys (for writers that ignore failures). */
export function requestKeysOperations(
  names: IndexNames,
  events: readonly TraceEvent[],
): (estypes.BulkOperationContainer | estypes.BulkUpdateAction)[] {
  return requestKeysOf(events).flatMap(({ id, doc }) =>
    requestKeysUpdate(names.requestKeys, id, doc),
  );
}

/**
 * Creates `<prefix>-request-keys` if missing (see `ensureSmallIndex`): one shard, so a lookup is
 * one get. It holds copies of identifiers, so retention and anonymisation treat it like the events.
 */
export async function ensureRequestKeysIndex(
  es: Client,
  names: IndexNames,
  replicas: number,
): Promise<void> {
  await ensureSmallIndex(es, names.requestKeys, 'request-keys', replicas);
}
