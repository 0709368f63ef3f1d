import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logLevel } from 'kafkajs';
import { kafkaLogLevel } from '../../../core/src/kafka/client.js';

test('routine consumer-group conditions kafkajs logs as errors go to info; real errors stay', () => {
  const cases: [number, string, unknown, string][] = [
    [
      logLevel.ERROR,
      '[Connection] Response GroupCoordinator(key: 10, version: 2)',
      'The group coordinator is not available',
      'info',
    ],
    [logLevel.ERROR, '[Runner] The group is rebalancing, re-joining', undefined, 'info'],
    [
      logLevel.ERROR,
      '[Connection] Response Heartbeat(key: 12, version: 3)',
      "The coordinator is loading and hence can't process requests",
      'info',
    ],
    [
      logLevel.WARN,
      '[Connection] Response JoinGroup',
      'This is not the correct coordinator for this group',
      'info',
    ],
    [
      logLevel.ERROR,
      '[Consumer] Crash: KafkaJSNumberOfRetriesExceeded',
      'Connection error: connect ECONNREFUSED',
      'error',
    ],
    [
      logLevel.ERROR,
      '[Connection] Response Produce',
      'The request included a message larger than the max message size the server will accept',
      'error',
    ],
    [
      logLevel.ERROR,
      '[Connection] Connection error: closed by the client owner: kafkajs no longer tracked it',
      undefined,
      'debug',
    ],
    [logLevel.WARN, 'Broker disconnected', undefined, 'warn'],
    [logLevel.INFO, '[Consumer] Starting', undefined, 'info'],
    [logLevel.DEBUG, 'Request Fetch', undefined, 'debug'],
  ];
  for (const [level, message, error, expected] of cases)
    assert.equal(kafkaLogLevel(level, message, error), expected, message);
});
