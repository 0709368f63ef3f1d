import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import { indexNames } from '../core/src/es/index-names.js';
import { topicNames } from '../core/src/kafka/topics.js';

/**
 * Deletes a bench prefix's event indices and template, by concrete name (wildcard deletes are
 * refused by `action.destructive_requires_name`), plus any small index Ariane keeps under it.
 */
export async function deleteIndexPrefix(es: Client, prefix: string): Promise<void> {
  const names = indexNames(prefix);
  const listed = await es.cat.indices({
    index: `${prefix}-*`,
    expand_wildcards: 'all',
    format: 'json',
    h: ['index'],
  });
  const indices = listed.map((row) => String(row.index));
  for (let i = 0; i < indices.length; i += 50)
    await es.indices.delete({ index: indices.slice(i, i + 50) }, { ignore: [404] });
  await es.indices.deleteIndexTemplate({ name: names.eventsTemplate }, { ignore: [404] });
}

export async function deleteTopicPrefix(kafka: Kafka, prefix: string): Promise<void> {
  const topics = topicNames(prefix);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = [topics.gateway, topics.services, topics.deadLetter].filter((t) =>
      existing.has(t),
    );
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
  } finally {
    await admin.disconnect();
  }
}
