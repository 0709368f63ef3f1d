import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import kafkajs from 'kafkajs';
import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import { FIXTURE_START_MS, shiftedFixture } from '../../helpers/ingest.js';
import { IngestTestStack } from '../../helpers/ingest-stack.js';
import { kcatProduce, kcatUnavailable } from '../../helpers/kcat.js';

// Shippers built on librdkafka (Fluent Bit, Vector, rsyslog's omkafka, kcat) compress record
// batches with whatever codec they were told to use. kafkajs reads only gzip by itself; a batch
// it cannot read stops the partition for good. Real kcat produces one batch per codec here, and
// each must be indexed and committed.

const { CompressionCodecs, CompressionTypes } = kafkajs;

const CODECS = [
  ['gzip', CompressionTypes.GZIP],
  ['snappy', CompressionTypes.Snappy],
  ['lz4', CompressionTypes.LZ4],
  ['zstd', CompressionTypes.ZSTD],
] as const;
type CodecName = (typeof CODECS)[number][0];

/** Records per batch: enough alike that compressing pays, else librdkafka sends them plain. */
const RECORDS_PER_BATCH = 10;

interface KafkajsCodec {
  compress(encoder: unknown): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}
type CodecTable = Record<number, () => KafkajsCodec>;

const kcatMissing = kcatUnavailable();

void describe(
  'record batches compressed by a librdkafka producer (kcat; real Kafka and Elasticsearch)',
  { skip: kcatMissing ?? false },
  () => {
    const stack = new IngestTestStack();
    // Fixtures happen "an hour ago", well inside retention.
    const shift = Date.now() - 3_600_000 - FIXTURE_START_MS;
    const table = CompressionCodecs as unknown as CodecTable;
    const registered = new Map<number, () => KafkajsCodec>();
    /** Batches kafkajs decompressed, by compression type. */
    const decompressed = new Map<number, number>();

    before(async () => {
      await stack.setUp();
      await stack.start();
      // Counts what kafkajs decompresses, through the decoders ingest registered: proof that
      // kcat really compressed each batch, not that compressing did not pay and it sent it plain.
      for (const [, type] of CODECS) {
        const factory = table[type]!;
        registered.set(type, factory);
        table[type] = () => {
          const codec = factory();
          return {
            compress: (encoder) => codec.compress(encoder),
            decompress: (buffer) => {
              decompressed.set(type, (decompressed.get(type) ?? 0) + 1);
              return codec.decompress(buffer);
            },
          };
        };
      }
    });

    after(async () => {
      for (const [type, factory] of registered) table[type] = factory;
      await stack.close();
    });

    /** Service log lines, one record each, named after the codec they travel with. */
    const lines = (codec: CodecName) =>
      Array.from({ length: RECORDS_PER_BATCH }, (_, i) => {
        const line = shiftedFixture('service-pino', shift + i);
        line.name = `compressed-${codec}`;
        line.msg = `request completed ${i}`;
        return JSON.stringify(line);
      });

    const servicesOf = async (): Promise<Map<string, number>> => {
      await stack.es.client.indices.refresh({ index: stack.eventsPattern });
      const response = await stack.es.client.search<TraceEvent>({
        index: stack.eventsPattern,
        size: 0,
        aggs: { services: { terms: { field: 'service.name', size: 10 } } },
      });
      const services = response.aggregations?.services as
        { buckets: { key: string; doc_count: number }[] } | undefined;
      return new Map(services?.buckets.map((b) => [b.key, b.doc_count]) ?? []);
    };

    void test('gzip, snappy, lz4 and zstd batches are all indexed and committed', async () => {
      for (const [codec] of CODECS)
        await kcatProduce(stack.config.KAFKA_BROKERS, stack.topics.services, lines(codec), {
          compression: codec,
        });

      await stack.es
        .waitForCount(stack.eventsPattern, CODECS.length * RECORDS_PER_BATCH, 60_000)
        .catch(async (error: unknown) => {
          const landed = JSON.stringify([...(await servicesOf())]);
          throw new Error(`${(error as Error).message}\nindexed by service: ${landed}`, {
            cause: error,
          });
        });
      // Every offset committed: no partition is stuck behind a batch it could not read.
      await stack.waitUntilCaughtUp();

      const services = await servicesOf();
      for (const [codec, type] of CODECS) {
        assert.equal(services.get(`compressed-${codec}`), RECORDS_PER_BATCH, codec);
        assert.ok((decompressed.get(type) ?? 0) > 0, `kafkajs decompressed no ${codec} batch`);
      }
      const deadLetterEnds = await (
        await stack.kafka.admin()
      ).fetchTopicOffsets(stack.topics.deadLetter);
      assert.deepEqual(
        deadLetterEnds.map((p) => p.high),
        deadLetterEnds.map(() => '0'),
        'nothing dead-lettered',
      );
    });
  },
);
