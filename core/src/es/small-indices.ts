import { readFileSync } from 'node:fs';
import type { Client, estypes } from '@elastic/elasticsearch';

/**
 * The mappings of Ariane's small indices, committed as JSON beside the events template
 * (`templates/<name>.mappings.json`) so what goes over the wire is reviewed as data. Each is
 * created by the module that owns it, through `ensureSmallIndex`.
 */
export const SMALL_INDICES = [
  'operations',
  'anonymisation-requests',
  'audit',
  'locks',
  'denylist',
  'dead-letters',
] as const;
export type SmallIndex = (typeof SMALL_INDICES)[number];

export type IndexMappings = estypes.MappingTypeMapping & {
  properties: Record<string, estypes.MappingProperty>;
};

export function smallIndexMappings(index: SmallIndex): IndexMappings {
  const file = new URL(`./templates/${index}.mappings.json`, import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as IndexMappings;
}

/**
 * Settings every small index gets: one shard, `replicas` replicas (ES_NUMBER_OF_REPLICAS), a
 * single deleted document enough for a merge to expunge it (erasures prove every shard copy free
 * of deleted documents), and the API's $offset + $limit window (Elasticsearch's default of 10000
 * would turn a valid page request into an error).
 */
export function smallIndexSettings(replicas: number): estypes.IndicesIndexSettings {
  return {
    number_of_shards: 1,
    number_of_replicas: replicas,
    'merge.policy.expunge_deletes_allowed': 0,
    max_result_window: 100_000,
  };
}

/**
 * Creates `index` with its committed mappings if it is missing (a concurrent creator's "already
 * exists" is ignored); when it exists, brings its replica count to `replicas` (a dynamic setting),
 * so a cluster that grows gets its copies without a migration. Idempotent.
 */
export async function ensureSmallIndex(
  es: Client,
  index: string,
  kind: SmallIndex,
  replicas: number,
): Promise<void> {
  if (!(await es.indices.exists({ index }))) {
    await es.indices.create(
      { index, settings: smallIndexSettings(replicas), mappings: smallIndexMappings(kind) },
      { ignore: [400] },
    );
    return;
  }
  const current = await es.indices.getSettings({
    index,
    name: 'index.number_of_replicas',
    flat_settings: true,
  });
  const now = current[index]?.settings?.['index.number_of_replicas'] as string | undefined;
  if (now !== undefined && Number(now) !== replicas)
    await es.indices.putSettings({ index, settings: { number_of_replicas: replicas } });
}
