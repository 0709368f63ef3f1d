import { setTimeout as sleep } from 'node:timers/promises';
import { errors, type Client } from '@elastic/elasticsearch';

/**
 * Makes deleted and overwritten documents physically go away from an index. A delete or an
 * overwrite in Elasticsearch only marks the old version deleted; its bytes (source, terms, doc
 * values) stay in their Lucene segment until a merge rewrites it. So: refresh and flush (a Lucene
 * commit, the translog trimmed), make sure a single deleted document is enough to merge a segment
 * (`expunge_deletes_allowed: 0`, which the events template already sets), force-merge with
 * `only_expunge_deletes`, then check every shard copy reports no deleted document. Shard history
 * retention leases can hold deletes back for a while after the write, so the merge is retried
 * with backoff until the check passes, or it fails loudly.
 *
 * The caller must have closed its points in time on the index first: an open PIT pins the old
 * segments.
 */
export interface EraseOptions {
  readonly attempts: number;
  readonly initialDelayMs: number;
}

export const DEFAULT_ERASE_OPTIONS: EraseOptions = { attempts: 30, initialDelayMs: 500 };

export class ErasureIncompleteError extends Error {
  constructor(
    readonly index: string,
    readonly deletedDocs: number,
  ) {
    super(`${deletedDocs} deleted documents still on disk in ${index}`);
    this.name = 'ErasureIncompleteError';
  }
}

/** Deleted documents still held by the shard copies of `index`, primaries and replicas. */
export async function deletedDocsOnDisk(es: Client, index: string): Promise<number> {
  const stats = await es.indices.stats({ index, metric: 'docs', level: 'shards' });
  let deleted = 0;
  for (const copies of Object.values(stats.indices?.[index]?.shards ?? {}))
    for (const copy of copies as { docs?: { deleted?: number } }[])
      deleted += copy.docs?.deleted ?? 0;
  return deleted;
}

export async function expungeDeletes(
  es: Client,
  index: string,
  options: EraseOptions = DEFAULT_ERASE_OPTIONS,
): Promise<void> {
  const settings = await es.indices.getSettings({
    index,
    name: 'index.merge.policy.expunge_deletes_allowed',
    flat_settings: true,
  });
  const current = settings[index]?.settings?.['index.merge.policy.expunge_deletes_allowed'] as
    string | undefined;
  if (current === undefined || Number(current) !== 0)
    await es.indices.putSettings({
      index,
      settings: { 'index.merge.policy.expunge_deletes_allowed': 0 },
    });
  let delay = options.initialDelayMs;
  let deleted = 0;
  for (let attempt = 1; attempt <= options.attempts; attempt += 1) {
    await es.indices.refresh({ index });
    await es.indices.flush({ index, force: true, wait_if_ongoing: true });
    // The client cannot wait longer than its own request timeout (its HTTP layer has no
    // per-request timeout), and merges queue behind other indices' on a busy node. A timed-out
    // merge goes on in Elasticsearch: the check below sees its outcome, the next attempt waits.
    await es.indices
      .forcemerge({ index, only_expunge_deletes: true, flush: true, wait_for_completion: true })
      .catch((error: unknown) => {
        if (!(error instanceof errors.TimeoutError)) throw error;
      });
    deleted = await deletedDocsOnDisk(es, index);
    if (deleted === 0) return;
    await sleep(delay);
    delay = Math.min(delay * 2, 5_000);
  }
  throw new ErasureIncompleteError(index, deleted);
}
