import type { Client } from '@elastic/elasticsearch';
import type { IndexNames } from './index-names.js';
import { smallIndexMappings } from './small-indices.js';

/**
 * Creates `<prefix>-dead-letters` if missing (idempotent; a concurrent creator's "already exists"
 * is ignored). One shard: dead letters are few. Ingest only ever creates documents in it (a
 * replayed record finds its own and leaves it), so the only deleted documents it holds are the
 * old versions an anonymisation rewrote and what retention removed: a merge that expunges them
 * proves them gone (jobs/src/dead-letters/).
 */
export async function ensureDeadLetterIndex(es: Client, names: IndexNames): Promise<void> {
  if (await es.indices.exists({ index: names.deadLetters })) return;
  await es.indices.create(
    {
      index: names.deadLetters,
      settings: {
        number_of_shards: 1,
        number_of_replicas: 0,
        'merge.policy.expunge_deletes_allowed': 0,
        max_result_window: 100_000,
      },
      mappings: smallIndexMappings('dead-letters'),
    },
    { ignore: [400] },
  );
}
