import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Producer } from 'kafkajs';
import { isTransientKafkaError, produceRecords } from '../../../bench/generator/kafka-target.js';
import { topicNames } from '../../../core/src/kafka/topics.js';
import type { TrafficRecord } from '../../../bench/generator/records.js';

/** The shapes kafkajs throws: a retriable protocol error, then, once its retries are spent, a
 * non-retriable KafkaJSNumberOfRetriesExceeded with that error as its `cause`. */
const notHosted = () =>
  Object.assign(new Error('This server does not host this topic-partition'), { retriable: true });
const retriesExhausted = () =>
  Object.assign(new Error('retries exceeded', { cause: notHosted() }), { retriable: false });

const records: TrafficRecord[] = [
  { topic: 'gateway', value: '{"a":1}', dueMs: 0 },
  { topic: 'services', value: '{"b":2}', dueMs: 0 },
];

function producerFailing(failures: readonly Error[]): { producer: Producer; calls: () => number } {
  let calls = 0;
  const producer = {
    sendBatch: () => {
      const failure = failures[calls];
      calls += 1;
      return failure ? Promise.reject(failure) : Promise.resolve([]);
    },
  } as unknown as Producer;
  return { producer, calls: () => calls };
}

const options = {
  topics: topicNames('t'),
  pacing: { startMs: 0, wallStartMs: 0, speedup: Number.POSITIVE_INFINITY },
  maxBatch: 10,
  sleep: () => Promise.resolve(),
};

describe('produceRecords', () => {
  test('a transient failure, bare or behind kafkajs retries, is tried again', async () => {
    const { producer, calls } = producerFailing([notHosted(), retriesExhausted()]);
    assert.equal(await produceRecords(producer, records, options), 2);
    assert.equal(calls(), 3);
  });

  test('a permanent failure is thrown at once; transient ones give up after five attempts', async () => {
    const permanent = producerFailing([new Error('bad config')]);
    await assert.rejects(produceRecords(permanent.producer, records, options), /bad config/);
    assert.equal(permanent.calls(), 1);
    const stuck = producerFailing(Array.from({ length: 9 }, notHosted));
    await assert.rejects(produceRecords(stuck.producer, records, options), /does not host/);
    assert.equal(stuck.calls(), 5);
  });

  test('isTransientKafkaError follows the cause chain', () => {
    assert.equal(isTransientKafkaError(notHosted()), true);
    assert.equal(isTransientKafkaError(retriesExhausted()), true);
    assert.equal(isTransientKafkaError(new Error('x')), false);
    assert.equal(isTransientKafkaError('text'), false);
  });
});
