import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Kafka } from 'kafkajs';
import { ConnectionEnvSchema } from '../../../core/src/config/connections.js';
import { parseEnv } from '../../../core/src/config/parse-env.js';
import { createKafka } from '../../../core/src/kafka/client.js';
import { ensureTopics } from '../../../core/src/kafka/setup.js';
import { topicNames } from '../../../core/src/kafka/topics.js';
import { produceRecords } from '../../../bench/generator/kafka-target.js';
import { generateRecords } from '../../../bench/generator/records.js';

const prefix = `gen-${randomUUID().slice(0, 8)}`;
const topics = topicNames(prefix);
const env = parseEnv(ConnectionEnvSchema, process.env);
let kafka: Kafka;

before(async () => {
  kafka = createKafka(env);
  await ensureTopics(kafka, topics, { partitions: 2, replicationFactor: 1, retentionDays: 10 });
});

after(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topics.gateway, topics.services, topics.deadLetter] });
  await admin.disconnect();
});

test('every generated record lands on its topic, unchanged', async () => {
  const options = { seed: prefix, startMs: Date.now(), requests: 200 };
  const expected = [...generateRecords(options)];
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const sent = await produceRecords(producer, generateRecords(options), {
    topics,
    pacing: { startMs: options.startMs, wallStartMs: 0, speedup: Number.POSITIVE_INFINITY },
    maxBatch: 250,
  });
  await producer.disconnect();
  assert.equal(sent, expected.length);

  const received = new Map<string, string[]>([
    [topics.gateway, []],
    [topics.services, []],
  ]);
  const consumer = kafka.consumer({ groupId: `${prefix}-check` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.gateway, topics.services], fromBeginning: true });
  let count = 0;
  const allIn = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: ({ topic, message }) => {
        received.get(topic)?.push(message.value?.toString() ?? '');
        count += 1;
        if (count === expected.length) resolve();
        return Promise.resolve();
      },
    });
  });
  await allIn;
  await consumer.disconnect();

  const sorted = (values: string[]) => [...values].sort();
  const byTopic = (topic: 'gateway' | 'services') =>
    expected.filter((r) => r.topic === topic).map((r) => r.value);
  assert.deepEqual(sorted(received.get(topics.gateway) ?? []), sorted(byTopic('gateway')));
  assert.deepEqual(sorted(received.get(topics.services) ?? []), sorted(byTopic('services')));
});
