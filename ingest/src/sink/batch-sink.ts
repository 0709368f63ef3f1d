import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import type { Precedence } from '../pipeline/normalised.js';

export interface BulkDocument {
  readonly index: string;
  readonly id: string;
  readonly precedence: Precedence;
  readonly doc: TraceEvent;
}

/**
 * `ok`: stored, or already there with at least the same precedence. `retryable`: not stored this
 * time but may be later (429, 5xx, timeouts, the node unreachable). `rejected`: Elasticsearch
 * refused this document for good (mapping conflict, malformed value, 400); retrying cannot help.
 */
export type BulkItemResult =
  | { readonly status: 'ok' }
  | { readonly status: 'retryable'; readonly error: string }
  | { readonly status: 'rejected'; readonly error: string };

/**
 * Where normalised events are stored. Contract:
 * - Idempotent: each document has a deterministic `_id` and replaces only a stored copy of lower
 *   precedence, so writing a batch twice stores it once and changes nothing the second time.
 * - `write` resolves only once Elasticsearch has answered for every document, with one result
 *   per document, in order. It never throws: a request that fails as a whole (network error,
 *   timeout, 429/5xx on the request) makes every document `retryable`.
 * - Partial failures are reported per document; the caller retries the retryable ones and
 *   dead-letters the rejected ones. The writer itself never retries and never drops.
 */
export interface BatchSink {
  write(docs: readonly BulkDocument[]): Promise<BulkItemResult[]>;
}
