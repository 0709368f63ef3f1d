import type { Client } from '@elastic/elasticsearch';
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

/** The BatchSink on Elasticsearch's `_bulk`, one request per call. */
export function elasticsearchBatchSink(es: Client, requestTimeoutMs: number): BatchSink {
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
      return response.items.map((item): BulkItemResult => {
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
