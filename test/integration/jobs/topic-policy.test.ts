import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { parseEnv } from '../../../core/src/config/parse-env.js';
import { topicNames } from '../../../core/src/kafka/topics.js';
import { createLogger } from '../../../core/src/observability/logger.js';
import { JobsEnvSchema } from '../../../jobs/src/config.js';
import { createJobs, TopicPolicyRefusedError } from '../../../jobs/src/jobs.js';
import { enforceTopicPolicy } from '../../../jobs/src/kafka/topic-policy.js';
import { createJobMetrics } from '../../../jobs/src/metrics.js';
import { EsTestContext } from '../../helpers/elasticsearch.js';
import { KafkaTestContext } from '../../helpers/kafka.js';
import { uniqueName } from '../../helpers/unique.js';

describe('Kafka topic retention policy', () => {
  const kafkaCtx = new KafkaTestContext();
  const esCtx = new EsTestContext();
  const prefix = uniqueName('jobs-topics');
  const topics = topicNames(prefix);
  const all = [topics.gateway, topics.services, topics.deadLetter];

  before(async () => {
    const admin = await kafkaCtx.admin();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        // Kafka's defaults: 7 days retention + 7 days segments.
        { topic: topics.gateway, numPartitions: 1 },
        {
          topic: topics.services,
          numPartitions: 1,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
        {
          topic: topics.deadLetter,
          numPartitions: 1,
          configEntries: [
            { name: 'retention.ms', value: '-1' },
            { name: 'max.message.bytes', value: '2000000' },
          ],
        },
      ],
    });
  });
  after(async () => {
    const admin = await kafkaCtx.admin();
    await admin.deleteTopics({ topics: all });
    await kafkaCtx.close();
    await esCtx.close();
  });

  test('warn reports every bad topic and changes nothing', async () => {
    const report = await enforceTopicPolicy(kafkaCtx.kafka, topics, 10, 'warn');
    assert.deepEqual([...new Set(report.violations.map((v) => v.topic))].sort(), [...all].sort());
    assert.deepEqual(report.corrected, []);
    const again = await enforceTopicPolicy(kafkaCtx.kafka, topics, 10, 'warn');
    assert.equal(again.violations.length, report.violations.length);
  });

  test('refuse makes the jobs service stop with the report', async () => {
    const config = parseEnv(JobsEnvSchema, {
      ...process.env,
      ARIANE_TOPIC_PREFIX: prefix,
      ARIANE_INDEX_PREFIX: esCtx.prefix('jobs-topics'),
      ANONYMISATION_DENYLIST_KEY: 'k'.repeat(32),
      KAFKA_TOPIC_POLICY: 'refuse',
    });
    const jobs = createJobs(config, {
      es: esCtx.client,
      kafka: kafkaCtx.kafka,
      logger: createLogger('jobs-test', 'silent'),
      metrics: createJobMetrics(new Registry()),
    });
    await jobs.prepare();
    await assert.rejects(jobs.checkTopics(new Date()), TopicPolicyRefusedError);
  });

  test('correct rewrites the settings, keeping unrelated overrides', async () => {
    const report = await enforceTopicPolicy(kafkaCtx.kafka, topics, 10, 'correct');
    assert.deepEqual([...report.corrected].sort(), [...all].sort());
    const after = await enforceTopicPolicy(kafkaCtx.kafka, topics, 10, 'warn');
    assert.deepEqual(after.violations, []);
    const admin = await kafkaCtx.admin();
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: 2, name: topics.deadLetter, configNames: ['max.message.bytes', 'cleanup.policy'] },
      ],
    });
    const entries = Object.fromEntries(
      described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]),
    );
    assert.equal(entries['max.message.bytes'], '2000000');
    assert.equal(entries['cleanup.policy'], 'delete');
  });
});
