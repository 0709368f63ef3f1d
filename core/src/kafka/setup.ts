import type { Kafka } from 'kafkajs';
import { boundedRetentionTopicConfig, type TopicNames } from './topics.js';

export interface TopicSetupOptions {
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly retentionDays: number;
}

/**
 * Creates Ariane's topics with bounded retention if they are missing. Existing topics are left
 * as they are: jobs/ checks their settings and corrects or refuses them, with a report.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: TopicNames,
  options: TopicSetupOptions,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const configEntries = Object.entries(boundedRetentionTopicConfig(options.retentionDays)).map(
      ([name, value]) => ({ name, value }),
    );
    const missing = [topics.gateway, topics.services, topics.deadLetter].filter(
      (topic) => !existing.has(topic),
    );
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: options.partitions,
          replicationFactor: options.replicationFactor,
          configEntries,
        })),
      });
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}
