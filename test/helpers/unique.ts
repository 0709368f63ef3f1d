import { randomBytes } from 'node:crypto';

/**
 * A name no other test uses, in this run or in a concurrent one: `t-<label>-<time>-<random>`.
 * Lower-case and made of [a-z0-9-], so it is valid as a Kafka topic, a consumer group id, an
 * Elasticsearch index name and an index prefix. Every name starts with `t-`, which tells test
 * leftovers apart from real data at a glance.
 */
export function uniqueName(label = 'x'): string {
  const safeLabel =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'x';
  return `t-${safeLabel}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
