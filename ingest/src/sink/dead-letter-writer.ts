import type { Client } from '@elastic/elasticsearch';
import type { Producer } from 'kafkajs';
import { deadLetterId, type DeadLetterRecord } from '../../../core/src/schemas/dead-letter.js';

/**
 * Where records that cannot be indexed go. `send` resolves only once every record is durably
 * stored, so the source offsets can then be committed; it throws otherwise, and the caller
 * commits nothing (the records are dead-lettered again, under the same ids, on redelivery).
 */
export interface DeadLetterSink {
  send(records: readonly DeadLetterRecord[]): Promise<void>;
}

/**
 * The dead-letter topic. Resolves once every in-sync replica has the records (acks = all).
 * Records are keyed `<topic>:<partition>:<offset>` of their source.
 */
export function kafkaDeadLetterSink(producer: Producer, topic: string): DeadLetterSink {
  return {
    async send(records) {
      if (records.length === 0) return;
      await producer.send({
        topic,
        acks: -1,
        messages: records.map((record) => ({
          key: deadLetterId(record),
          value: JSON.stringify(record),
        })),
      });
    },
  };
}

/**
 * The dead-letter index, `<prefix>-dead-letters`: each record is created under its source
 * position, so a replayed record finds its earlier copy and leaves it as it is (409, counted as
 * stored): no overwrite, hence no deleted version holding a payload. Resolves once Elasticsearch
 * acknowledged every record; rejects on any other per-item failure, which is then retried like
 * an outage (the mapping is Ariane's own, so a refusal is a bug, not bad input).
 */
export function elasticsearchDeadLetterSink(
  es: Client,
  index: string,
  timeoutMs: number,
): DeadLetterSink {
  return {
    async send(records) {
      if (records.length === 0) return;
      const response = await es.bulk(
        {
          operations: records.flatMap((record) => [
            { create: { _index: index, _id: deadLetterId(record) } },
            record,
          ]),
        },
        { requestTimeout: timeoutMs },
      );
      const failed = response.items.filter((item) => {
        const status = item.create?.status ?? 500;
        return status >= 300 && status !== 409;
      });
      if (failed.length > 0)
        throw new Error(
          `${failed.length} dead letters not stored in ${index} (status ${failed[0]?.create?.status})`,
        );
    },
  };
}

/**
 * The index first, then the topic: a record is on the topic only once the index holds it, so the
 * jobs may truncate the topic to its end at any time (ADR 004). Both are idempotent per record.
 */
export function indexedDeadLetterSink(
  index: DeadLetterSink,
  topic: DeadLetterSink,
): DeadLetterSink {
  return {
    async send(records) {
      await index.send(records);
      await topic.send(records);
    },
  };
}
