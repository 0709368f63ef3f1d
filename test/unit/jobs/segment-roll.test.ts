import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  afterMarker,
  planSegmentRolls,
  type IdleObservation,
} from '../../../jobs/src/kafka/segment-roll.js';

const SEGMENT_MS = 600_000;

describe('planSegmentRolls', () => {
  const cases: {
    name: string;
    logStart: bigint;
    high: bigint;
    seen?: IdleObservation;
    now: number;
    /** The topic's segment.ms could not be read. */
    unknownSegmentMs?: true;
    roll: boolean;
  }[] = [
    {
      name: 'idle for segment.ms and fully truncated',
      logStart: 7n,
      high: 7n,
      seen: { high: 7n, since: 0, marker: false },
      now: SEGMENT_MS,
      roll: true,
    },
    {
      name: 'idle, but not for segment.ms yet',
      logStart: 7n,
      high: 7n,
      seen: { high: 7n, since: 0, marker: false },
      now: SEGMENT_MS - 1,
      roll: false,
    },
    {
      name: 'first seen now: the idle clock starts',
      logStart: 7n,
      high: 7n,
      now: SEGMENT_MS,
      roll: false,
    },
    {
      name: 'the high watermark moved since: the clock starts again',
      logStart: 9n,
      high: 9n,
      seen: { high: 7n, since: 0, marker: false },
      now: SEGMENT_MS * 2,
      roll: false,
    },
    {
      name: 'records still readable (not committed): they roll on their own later',
      logStart: 5n,
      high: 7n,
      seen: { high: 7n, since: 0, marker: false },
      now: SEGMENT_MS,
      roll: false,
    },
    {
      name: 'an empty partition',
      logStart: 0n,
      high: 0n,
      seen: { high: 0n, since: 0, marker: false },
      now: SEGMENT_MS,
      roll: false,
    },
    {
      name: 'the last record is our marker',
      logStart: 8n,
      high: 8n,
      seen: afterMarker(7n, 0),
      now: SEGMENT_MS * 10,
      roll: false,
    },
    {
      name: 'a record arrived after our marker and was truncated, then idle',
      logStart: 9n,
      high: 9n,
      seen: { high: 9n, since: 0, marker: false },
      now: SEGMENT_MS,
      roll: true,
    },
    {
      name: 'segment.ms unknown for the topic',
      logStart: 7n,
      high: 7n,
      seen: { high: 7n, since: 0, marker: false },
      now: SEGMENT_MS,
      unknownSegmentMs: true,
      roll: false,
    },
  ];
  for (const c of cases)
    test(c.name, () => {
      const plan = planSegmentRolls({
        partitions: [{ topic: 'gw', partition: 0, logStart: c.logStart, high: c.high }],
        segmentMs: c.unknownSegmentMs ? {} : { gw: SEGMENT_MS },
        observations: new Map(c.seen ? [['gw:0', c.seen]] : []),
        now: c.now,
      });
      assert.deepEqual(plan.rolls, c.roll ? [{ topic: 'gw', partition: 0 }] : []);
      const kept = plan.observations.get('gw:0');
      assert.equal(kept?.high, c.high);
      assert.equal(kept?.since, c.seen?.high === c.high ? c.seen.since : c.now);
    });

  test('keeps only the partitions of this run, and the marker flag until the high moves', () => {
    const plan = planSegmentRolls({
      partitions: [
        { topic: 'gw', partition: 0, logStart: 8n, high: 8n },
        { topic: 'gw', partition: 1, logStart: 3n, high: 3n },
      ],
      segmentMs: { gw: SEGMENT_MS },
      observations: new Map([
        ['gw:0', afterMarker(7n, 0)],
        ['gw:9', { high: 1n, since: 0, marker: false }],
      ]),
      now: SEGMENT_MS,
    });
    assert.deepEqual([...plan.observations.keys()], ['gw:0', 'gw:1']);
    assert.equal(plan.observations.get('gw:0')?.marker, true);
    assert.equal(plan.observations.get('gw:1')?.marker, false);
  });
});
