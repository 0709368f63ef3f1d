import { readFileSync } from 'node:fs';
import type { estypes } from '@elastic/elasticsearch';

/**
 * The mappings of Ariane's small indices, committed as JSON beside the events template
 * (`templates/<name>.mappings.json`) so what goes over the wire is reviewed as data. Each is
 * created with one shard by the module that owns it.
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
