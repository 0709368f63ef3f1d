import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { boundedRetentionTopicConfig, SEGMENT_MAX_MS } from '../../../core/src/kafka/topics.js';
import {
  checkTopicRetention,
  correctedTopicConfig,
  worstCaseRecordAgeMs,
} from '../../../jobs/src/kafka/topic-policy.js';

const DAY = 86_400_000;
const WINDOW = 10 * DAY;
const CHECK = 300_000;
const kafkaDefaults = {
  'cleanup.policy': 'delete',
  'retention.ms': String(7 * DAY),
  'segment.ms': String(7 * DAY),
  'file.delete.delay.ms': '60000',
  'message.timestamp.type': 'CreateTime',
};

describe('checkTopicRetention', () => {
  test('the intended bounded settings comply for every window from 1 to 30 days', () => {
    for (let days = 1; days <= 30; days += 1)
      assert.deepEqual(
        checkTopicRetention(
          { topic: 't', config: boundedRetentionTopicConfig(days) },
          CHECK,
          days * DAY,
        ),
        [],
      );
  });

  const cases: { name: string; config: Record<string, string>; settings: string[] }[] = [
    {
      name: 'Kafka defaults keep records ~14 days',
      config: kafkaDefaults,
      settings: ['retention.ms', 'segment.ms', 'message.timestamp.type'],
    },
    {
      name: 'compaction keeps records forever',
      config: { ...boundedRetentionTopicConfig(10), 'cleanup.policy': 'compact,delete' },
      settings: ['cleanup.policy'],
    },
    {
      name: 'infinite retention',
      config: { ...boundedRetentionTopicConfig(10), 'retention.ms': '-1' },
      settings: ['retention.ms'],
    },
    {
      name: 'retention alone fits but the segment roll does not',
      config: {
        ...boundedRetentionTopicConfig(10),
        'retention.ms': String(9 * DAY),
        'segment.ms': String(DAY),
      },
      settings: ['retention.ms', 'segment.ms'],
    },
    {
      name: 'segments too long for truncated records to leave the disk soon, within the window',
      config: { ...boundedRetentionTopicConfig(10), 'segment.ms': String(SEGMENT_MAX_MS + 1) },
      settings: ['segment.ms'],
    },
    {
      name: 'no segment.ms known',
      config: { ...boundedRetentionTopicConfig(10), 'segment.ms': '' },
      settings: ['retention.ms', 'segment.ms'],
    },
    {
      name: 'exactly the window is allowed',
      config: {
        ...boundedRetentionTopicConfig(10),
        'retention.ms': String(WINDOW - SEGMENT_MAX_MS - CHECK - 60_000),
        'segment.ms': String(SEGMENT_MAX_MS),
      },
      settings: [],
    },
  ];
  for (const c of cases)
    test(c.name, () => {
      const found = checkTopicRetention({ topic: 't', config: c.config }, CHECK, WINDOW);
      assert.deepEqual(
        found.map((v) => v.setting),
        c.settings,
      );
    });

  test('a long broker check interval can push a topic over the window', () => {
    const config = boundedRetentionTopicConfig(10);
    assert.deepEqual(checkTopicRetention({ topic: 't', config }, CHECK, WINDOW), []);
    assert.equal(checkTopicRetention({ topic: 't', config }, 2 * 3_600_000, WINDOW).length, 1);
  });

  test('worst-case age adds the four delays', () => {
    assert.equal(
      worstCaseRecordAgeMs(
        { 'retention.ms': '10', 'segment.ms': '20', 'file.delete.delay.ms': '30' },
        40,
      ),
      100,
    );
    assert.equal(worstCaseRecordAgeMs({ 'retention.ms': '10' }, 40), undefined);
  });

  test('correction keeps unrelated overrides and replaces retention ones', () => {
    const corrected = correctedTopicConfig(
      { 'max.message.bytes': '2000000', 'retention.ms': '-1' },
      10,
    );
    assert.equal(corrected['max.message.bytes'], '2000000');
    assert.equal(corrected['retention.ms'], boundedRetentionTopicConfig(10)['retention.ms']);
  });
});
