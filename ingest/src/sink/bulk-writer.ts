import type { Client } from '@elastic/elasticsearch';
import { requestKeysOf, requestKeysUpdate } from '../../../core/src/es/request-keys.js';
import type { Precedence } from '../pipeline/normalised.js';
import type { BatchSink, BulkItemResult } from './batch-sink.js';

/**
 * An index write block (`index.blocks.write`, 403; `read_only_allow_delete` is a 429) is an
 * operator's or the disk watermark's doing and is lifted later: the document is fine, so it is
 * retried rather than dead-lettered.
 */
const BLOCKED = 'cluster_block_exception';

const EXTERNAL_VERSION: Record<Precedence, number> = { fallback: 1, preferred: 2 };

/**
 * Precedence as an Elasticsearch external version: a write whose version is not above the
 * stored one is refused with a 409 and leaves the stored document, and its bytes, untouched.
 */
export function precedenceVersion(precedence: Precedence) {
  return { version: EXTERNAL_VERSION[precedence], version_type: 'external' as const };
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/**
 * The only parts of a `_bulk` answer the results are read from. Without the filter every item
 * also echoes its index, id, version, shard counts and sequence numbers: about five times the
 * bytes for Elasticsearch to write and for ingest to receive and parse, for every document.
 * Items keep their order (one per operation), so results still line up with the documents.
 */
const BULK_RESPONSE_FIELDS = ['items.*.status', 'items.*.error.type'];

/**
 * The BatchSink on Elasticsearch's `_bulk`, one request per call. The same request merges the
 * batch's join keys into `requestKeysIndex` (core/src/es/request-keys.ts), after the events.
 * An event is only `ok` once its request's keys are too: a retryable failure of the keys sends
 * the events behind them back (their own writes are then 409s, the merge adds nothing twice). A
 * keys document Elasticsearch refuses for good leaves the events stored: their timeline is then
 * read in two searches, as for events older than the index (ADR 005).
 */
export function elasticsearchBatchSink(
  es: Client,
  requestTimeoutMs: number,
  requestKeysIndex: string,
): BatchSink {
  return {
    async write(docs) {
      if (docs.length === 0) return [];
      const operations: unknown[] = [];
      for (const { index, id, precedence, doc } of docs)
        operations.push(
          {
            index: { _index: index, _id: id, ...precedenceVersion(precedence) },
          },
          doc,
        );
      const keys = requestKeysOf(docs.map(({ doc }) => doc));
      for (const { id, doc } of keys)
        operations.push(...requestKeysUpdate(requestKeysIndex, id, doc));
      let response;
      try {
        response = await es.bulk(
          { operations, filter_path: BULK_RESPONSE_FIELDS },
          { requestTimeout: requestTimeoutMs },
        );
      } catch (error) {
        const reason = requestFailure(error);
        return docs.map(() => ({ status: 'retryable', error: reason }) as const);
      }
      const results = response.items.map((item): BulkItemResult => {
        const result = Object.values(item)[0];
        if (!result) return { status: 'retryable', error: 'missing_item' };
        const status = result.status;
        if (status < 300) return { status: 'ok' };
        // A version conflict: a copy of the same or higher precedence is already stored.
        if (status === 409) return { status: 'ok' };
        const error = result.error?.type ?? `status_${status}`;
        return isRetryableStatus(status) || error === BLOCKED
          ? { status: 'retryable', error }
          : { status: 'rejected', error };
      });
      const events = results.slice(0, docs.length);
      keys.forEach(({ from }, i) => {
        const result = results[docs.length + i] ?? { status: 'retryable', error: 'missing_item' };
        if (result.status !== 'retryable') return;
        for (const position of from)
          if (events[position]?.status === 'ok')
            events[position] = { status: 'retryable', error: `request_keys_${result.error}` };
      });
      return events;
    },
  };
}

/**
 * A whole-request failure is always retryable, whatever its status: a 400/401/403 on the request
 * means misconfiguration or an outage, not a bad document, and dead-lettering every document
 * because the credentials expired would be data loss by another name.
 */
function requestFailure(error: unknown): string {
  if (error && typeof error === 'object') {
    const { name, statusCode } = error as { name?: unknown; statusCode?: unknown };
    if (typeof statusCode === 'number') return `request_status_${statusCode}`;
    if (typeof name === 'string') return name;
  }
  return 'request_failed';
}
