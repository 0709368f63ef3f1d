import { type Admin, type Consumer, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import { ConnectionEnvSchema } from '../../core/src/config/connections.js';
import { parseEnv } from '../../core/src/config/parse-env.js';
import { closeLeftoverSockets, createKafka, createProducer } from '../../core/src/kafka/client.js';
import { uniqueName } from './unique.js';

/**
 * Kafka for one test file, on the brokers in KAFKA_BROKERS (test/run.ts sets it). Every topic,
 * group and client it hands out is its own, and `close()` disconnects the clients and deletes
 * the topics and groups, so nothing outlives the test. Call `close()` in an `after` hook.
 */
export class KafkaTestContext {
  readonly kafka: Kafka;
  private adminClient: Admin | undefined;
  private readonly topics: string[] = [];
  private readonly groups: string[] = [];
  private readonly clients: Array<Producer | Consumer> = [];

  constructor(env: NodeJS.ProcessEnv = process.env) {
    const connection = parseEnv(ConnectionEnvSchema, env);
    this.kafka = createKafka({ ...connection, KAFKA_CLIENT_ID: 'ariane-test' });
  }

  async admin(): Promise<Admin> {
    if (!this.adminClient) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.adminClient = admin;
    }
    return this.adminClient;
  }

  /** Creates a topic with a unique name and resolves once every partition has a leader. */
  async createTopic(label: string, numPartitions = 1): Promise<string> {
    const topic = uniqueName(label);
    const admin = await this.admin();
    this.topics.push(topic);
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
    return topic;
  }

  /** A unique consumer group id, deleted by `close()`. */
  groupId(label: string): string {
    const groupId = uniqueName(label);
    this.groups.push(groupId);
    return groupId;
  }

  async producer(): Promise<Producer> {
    const producer = createProducer(this.kafka);
    this.clients.push(producer);
    await producer.connect();
    return producer;
  }

  /** A connected consumer in a unique group (see `groupId`). */
  async consumer(label: string): Promise<Consumer> {
    const consumer = this.kafka.consumer({ groupId: this.groupId(label) });
    this.clients.push(consumer);
    await consumer.connect();
    return consumer;
  }

  /**
   * Idempotent. Disconnects first: Kafka only deletes a group that has no members left. Call it
   * after every other client made from `kafka` (an ingest under test) has stopped.
   */
  async close(): Promise<void> {
    try {
      const clients = this.clients.splice(0);
      await Promise.all(clients.map((client) => client.disconnect()));
      const admin = this.adminClient;
      if (!admin) return;
      this.adminClient = undefined;
      try {
        const topics = this.topics.splice(0);
        if (topics.length > 0) await admin.deleteTopics({ topics });
        const groups = this.groups.splice(0);
        if (groups.length > 0) await admin.deleteGroups(groups).catch(ignoreGroupsNotFound);
      } finally {
        await admin.disconnect();
      }
    } finally {
      // Every client of `kafka` has disconnected: a socket still open is one kafkajs forgot.
      closeLeftoverSockets(this.kafka);
    }
  }
}

/** Kafka's GROUP_ID_NOT_FOUND: a group that never committed an offset vanishes when emptied. */
const GROUP_ID_NOT_FOUND = 69;

function ignoreGroupsNotFound(error: unknown): void {
  // kafkajs' error classes are not importable from ESM (its index spreads them), hence the shape check.
  const groups = (error as { groups?: Array<{ errorCode: number }> }).groups;
  if (!groups?.every((group) => group.errorCode === GROUP_ID_NOT_FOUND)) throw error;
}

/** Resolves when `consumer` has joined its group. Call it before `consumer.run()`. */
export function waitForGroupJoin(consumer: Consumer, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      removeListener();
      reject(new Error(`consumer did not join its group within ${timeoutMs} ms`));
    }, timeoutMs);
    const removeListener = consumer.on(consumer.events.GROUP_JOIN, () => {
      clearTimeout(timer);
      removeListener();
      resolve();
    });
  });
}

/**
 * Subscribes `consumer` to `topic` from the beginning, runs it, and resolves with the first
 * `count` messages. Rejects when the consumer crashes or after `timeoutMs`.
 */
export async function collectMessages(
  consumer: Consumer,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<KafkaMessage[]> {
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const received: KafkaMessage[] = [];
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      removeCrashListener();
      if (error === undefined) resolve(received.slice(0, count));
      else reject(error);
    };
    const timer = setTimeout(
      () => finish(new Error(`got ${received.length} of ${count} messages from ${topic}`)),
      timeoutMs,
    );
    const removeCrashListener = consumer.on(consumer.events.CRASH, (event) =>
      finish(event.payload.error),
    );
    consumer
      .run({
        eachMessage: ({ message }) => {
          received.push(message);
          if (received.length === count) finish();
          return Promise.resolve();
        },
      })
      .catch((error: unknown) =>
        finish(error instanceof Error ? error : new Error(`consumer.run failed: ${String(error)}`)),
      );
  });
}
