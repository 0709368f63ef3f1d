import type { Client } from '@elastic/elasticsearch';
import type { IndexNames } from './index-names.js';
import { ensureSmallIndex } from './small-indices.js';

/**
 * Creates `<prefix>-dead-letters` if missing, with `replicas` replicas (see `ensureSmallIndex`).
 * One shard: dead letters are few. Ingest only ever creates documents in it (a replayed record
 * finds its own and leaves it), so the only deleted documents it holds are the old versions an
 * anonymisation rewrote and what retention removed: a merge that expunges them proves them gone
 * (jobs/src/dead-letters/).
 */
export async function ensureDeadLetterIndex(
  es: Client,
  names: IndexNames,
  replicas: number,
): Promise<void> {
  await ensureSmallIndex(es, names.deadLetters, 'dead-letters', replicas);
}
