import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errors } from '@elastic/elasticsearch';
import { classifyFailure, JobError } from '../../../jobs/src/errors.js';

const response = (statusCode: number) =>
  new errors.ResponseError({
    statusCode,
    body: {},
    headers: {},
    warnings: null,
    meta: {} as never,
  });

/** The shape of a kafkajs error (its classes are not importable from ESM). */
const kafkaError = (retriable: boolean) =>
  Object.assign(new Error('leader not available'), { name: 'KafkaJSProtocolError', retriable });

describe('classifyFailure: permanent unless shown retryable', () => {
  const cases: [string, unknown, string, boolean][] = [
    [
      'Elasticsearch unreachable',
      new errors.ConnectionError('down'),
      'ARIANE_STORE_UNAVAILABLE',
      true,
    ],
    ['Elasticsearch timeout', new errors.TimeoutError('slow'), 'ARIANE_STORE_UNAVAILABLE', true],
    ['Elasticsearch 429', response(429), 'ARIANE_STORE_UNAVAILABLE', true],
    ['Elasticsearch 503', response(503), 'ARIANE_STORE_UNAVAILABLE', true],
    ['Elasticsearch 400 (a bad query is a bug)', response(400), 'ARIANE_INTERNAL', false],
    ['Elasticsearch 404', response(404), 'ARIANE_INTERNAL', false],
    ['Kafka, retriable', kafkaError(true), 'ARIANE_STORE_UNAVAILABLE', true],
    ['Kafka, not retriable', kafkaError(false), 'ARIANE_INTERNAL', false],
    ['a bug', new TypeError('x is undefined'), 'ARIANE_INTERNAL', false],
    ['not even an Error', 'boom', 'ARIANE_INTERNAL', false],
    [
      'a JobError keeps its code, permanent by default',
      new JobError('ARIANE_ANONYMISATION_INCOMPLETE', 'matches remain'),
      'ARIANE_ANONYMISATION_INCOMPLETE',
      false,
    ],
    [
      'a JobError marked retryable',
      new JobError('ARIANE_STORE_UNAVAILABLE', 'later', true),
      'ARIANE_STORE_UNAVAILABLE',
      true,
    ],
  ];
  for (const [name, error, code, retryable] of cases)
    test(name, () => {
      const failure = classifyFailure(error);
      assert.equal(failure.code, code);
      assert.equal(failure.retryable, retryable);
    });

  test('the recorded message never carries the error’s own text', () => {
    const failure = classifyFailure(new Error('value sess-0f9c2a7e not found'));
    assert.ok(!failure.message.includes('sess-0f9c2a7e'));
  });
});
