import type { Producer } from 'kafkajs';
import type { DeadLetterRecord } from '../../../core/src/schemas/dead-letter.js';

/**
 * Where records that cannot be indexed go. `send` resolves only once every in-sync replica of
 * the dead-letter topic has the records (acks = all), so the source offsets can then be
 * committed; it throws otherwise, and the caller commits nothing.
 */
export interface DeadLetterSink {
  send(records: readonly DeadLetterRecord[]): Promise<void>;
}

export function kafkaDeadLetterSink(producer: Producer, topic: string): DeadLetterSink {
  return {
    async send(records) {
      if (records.length === 0) return;
      await producer.send({
        topic,
        acks: -1,
        messages: records.map((record) => ({
          key: `${record.source.topic}:${record.source.partition}:${record.source.offset}`,
          value: JSON.stringify(record),
        })),
      });
    },
  };
}
