import type { Client } from '@elastic/elasticsearch';
import { indexNames } from '../../core/src/es/index-names.js';
import { secondsSince, sleep } from '../stats.js';

/**
 * The count a search sees now. A daily index being created has no started shard yet and fails
 * the request; that is "not visible yet", so the previous count stands.
 */
export async function searchableCount(es: Client, index: string, previous: number) {
  try {
    const response = await es.count({ index, ignore_unavailable: true, allow_no_indices: true });
    return response.count;
  } catch {
    return previous;
  }
}

export interface Visible {
  readonly count: number;
  readonly seconds: number;
  /** False when the run was cut by `maxSeconds` or stalled before reaching `expected`. */
  readonly complete: boolean;
}

/**
 * Polls the searchable count of `<prefix>-events-*` (no forced refresh: what a search would see)
 * until it reaches `expected`, the deadline passes, or the count stops moving for `stallSeconds`.
 * `seconds` is measured from `start` to the poll that saw the final count.
 */
export async function waitUntilSearchable(
  es: Client,
  prefix: string,
  expected: number,
  start: bigint,
  limits: { maxSeconds: number; stallSeconds: number },
): Promise<Visible> {
  const index = indexNames(prefix).eventsPattern;
  let count = 0;
  let lastChange = process.hrtime.bigint();
  for (;;) {
    const seen = await searchableCount(es, index, count);
    const seconds = secondsSince(start);
    if (seen !== count) {
      count = seen;
      lastChange = process.hrtime.bigint();
    }
    if (count >= expected) return { count, seconds, complete: true };
    if (seconds >= limits.maxSeconds || secondsSince(lastChange) >= limits.stallSeconds)
      return { count, seconds, complete: false };
    await sleep(100);
  }
}
