import type { Client } from '@elastic/elasticsearch';
import type { Admin } from 'kafkajs';
import { Registry } from 'prom-client';
import { parseEnv } from '../../core/src/config/parse-env.js';
import { indexNames } from '../../core/src/es/index-names.js';
import { topicNames, type TopicNames } from '../../core/src/kafka/topics.js';
import { createLogger } from '../../core/src/observability/logger.js';
import { IngestEnvSchema, type IngestEnv } from '../../ingest/src/config.js';
import {
  prepareIngest,
  startIngest,
  type Ingest,
  type IngestDeps,
} from '../../ingest/src/ingest.js';
import { EsTestContext } from './elasticsearch.js';
import { TEST_DENYLIST_KEY } from './jobs.js';
import { KafkaTestContext } from './kafka.js';
import { waitFor } from './wait.js';

/**
 * The ingest service running in-process against the real Kafka and Elasticsearch, with its own
 * topic prefix, index prefix and consumer group. Topics are created up front with a 8 MiB
 * `max.message.bytes`, so oversize poison records can be produced at all; `close()` deletes
 * topics, group, indices and template.
 */
export class IngestTestStack {
  readonly es = new EsTestContext();
  readonly kafka = new KafkaTestContext();
  readonly prefix = this.es.prefix('ingest');
  readonly topics: TopicNames = topicNames(this.prefix);
  readonly eventsPattern = indexNames(this.prefix).eventsPattern;
  readonly config: IngestEnv;
  private running: Ingest | undefined;

  constructor(env: Record<string, string> = {}) {
    this.config = parseEnv(IngestEnvSchema, {
      ...process.env,
      ARIANE_INDEX_PREFIX: this.prefix,
      ARIANE_TOPIC_PREFIX: this.prefix,
      INGEST_GROUP_ID: this.kafka.groupId('ingest'),
      KAFKA_TOPIC_PARTITIONS: '3',
      INGEST_RETRY_INITIAL_MS: '50',
      INGEST_RETRY_MAX_MS: '1000',
      ANONYMISATION_DENYLIST_KEY: TEST_DENYLIST_KEY,
      ...env,
    });
  }

  async setUp(): Promise<void> {
    const admin = await this.kafka.admin();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [this.topics.gateway, this.topics.services, this.topics.deadLetter].map((topic) => ({
        topic,
        numPartitions: 3,
        configEntries: [{ name: 'max.message.bytes', value: String(8 * 1024 * 1024) }],
      })),
    });
    await prepareIngest(this.config, { kafka: this.kafka.kafka, es: this.es.client });
  }

  /**
   * Starts ingest in-process; `es` replaces the test's own client (e.g. one behind a proxy), and
   * `extra` adds collaborators such as a deny list.
   */
  async start(
    es: Client = this.es.client,
    extra: Pick<IngestDeps, 'denyList'> = {},
  ): Promise<Ingest> {
    const ingest = await startIngest(this.config, {
      kafka: this.kafka.kafka,
      es,
      logger: createLogger('ingest-test', 'silent'),
      registry: new Registry(),
      ...extra,
    });
    this.running = ingest;
    return ingest;
  }

  async stop(): Promise<void> {
    const ingest = this.running;
    this.running = undefined;
    await ingest?.stop();
  }

  /** Produces each value as its own record, in the order given, spread over partitions. */
  async produce(topic: string, values: ReadonlyArray<string | Buffer>): Promise<void> {
    const producer = await this.kafka.producer();
    for (const value of values) await producer.send({ topic, acks: -1, messages: [{ value }] });
  }

  /** Waits until the group has committed every record of the input topics. */
  async waitUntilCaughtUp(timeoutMs = 60_000): Promise<void> {
    const admin = await this.kafka.admin();
    await waitFor(
      'ingest to commit every input record',
      async () => ((await this.lagOf(admin)) === 0 ? true : undefined),
      { timeoutMs, intervalMs: 200 },
    );
  }

  /** Records of the input topics not yet committed by the group. */
  async lag(): Promise<number> {
    return this.lagOf(await this.kafka.admin());
  }

  private async lagOf(admin: Admin): Promise<number> {
    let lag = 0;
    for (const topic of [this.topics.gateway, this.topics.services]) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({
        groupId: this.config.INGEST_GROUP_ID,
        topics: [topic],
      });
      for (const end of ends) {
        const done =
          committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        const position = Number(done) < 0 ? 0 : Number(done);
        lag += Number(end.high) - position;
      }
    }
    return lag;
  }

  async close(): Promise<void> {
    await this.stop();
    const admin = await this.kafka.admin();
    await admin.deleteTopics({
      topics: [this.topics.gateway, this.topics.services, this.topics.deadLetter],
    });
    await this.kafka.close();
    await this.es.close();
  }
}
