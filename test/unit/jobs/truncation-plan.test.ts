import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  planTruncation,
  type GroupCommits,
  type OffsetsByPartition,
  type TopicWatermarks,
} from '../../../jobs/src/kafka/truncation-plan.js';

const GW = 'ariane.gateway';
const SV = 'ariane.services';

/** `[low, high]` per partition, in partition order. */
const topic = (name: string, ...marks: [number, number][]): TopicWatermarks => ({
  topic: name,
  partitions: marks.map(([low, high], partition) => ({
    partition,
    low: BigInt(low),
    high: BigInt(high),
  })),
});

/** Committed offsets per topic, `undefined` for a partition without a commit. */
const group = (
  groupId: string,
  committed: Record<string, (number | undefined)[]>,
): GroupCommits => ({
  groupId,
  committed: Object.fromEntries(
    Object.entries(committed).map(([name, offsets]) => [
      name,
      Object.fromEntries(
        offsets.flatMap((offset, partition) =>
          offset === undefined ? [] : [[partition, BigInt(offset)]],
        ),
      ),
    ]),
  ),
});

interface Case {
  readonly name: string;
  readonly topics: TopicWatermarks[];
  readonly groups: GroupCommits[];
  readonly previousHigh?: OffsetsByPartition;
  /** `topic:partition:from-to` */
  readonly deleted: string[];
  /** `topic:partition:reason[:groups]` */
  readonly skipped: string[];
  readonly lag?: Record<string, number>;
}

const cases: Case[] = [
  {
    name: 'one group: truncates every partition up to its commit',
    topics: [topic(GW, [0, 10], [5, 20]), topic(SV, [0, 3])],
    groups: [group('ingest', { [GW]: [10, 12], [SV]: [3] })],
    deleted: [`${GW}:0:0-10`, `${GW}:1:5-12`, `${SV}:0:0-3`],
    skipped: [],
    lag: { [GW]: 8, [SV]: 0 },
  },
  {
    name: 'lag: records not yet ingested are kept',
    topics: [topic(GW, [0, 1000])],
    groups: [group('ingest', { [GW]: [400] })],
    deleted: [`${GW}:0:0-400`],
    skipped: [],
    lag: { [GW]: 600 },
  },
  {
    name: 'several groups: never past the lowest commit',
    topics: [topic(GW, [0, 100], [0, 100])],
    groups: [
      group('ingest', { [GW]: [90, 40] }),
      group('siem-export', { [GW]: [30, 70] }),
      group('archiver', { [GW]: [60, 80] }),
    ],
    deleted: [`${GW}:0:0-30`, `${GW}:1:0-40`],
    skipped: [],
    lag: { [GW]: 130 },
  },
  {
    name: 'a partition without a commit in one known group is left whole',
    topics: [topic(GW, [0, 50], [0, 50])],
    groups: [group('ingest', { [GW]: [50, 50] }), group('siem-export', { [GW]: [20] })],
    deleted: [`${GW}:0:0-20`],
    skipped: [`${GW}:1:no_commit:siem-export`],
  },
  {
    name: 'partitions and topics without any commit are left whole',
    topics: [topic(GW, [0, 50], [7, 9]), topic(SV, [0, 4])],
    groups: [group('ingest', { [GW]: [50] })],
    deleted: [`${GW}:0:0-50`],
    skipped: [`${GW}:1:no_commit:ingest`, `${SV}:0:no_commit:ingest`],
    lag: { [GW]: 2, [SV]: 4 },
  },
  {
    name: 'a negative committed offset is no commit',
    topics: [topic(GW, [0, 5])],
    groups: [group('ingest', { [GW]: [-1] })],
    deleted: [],
    skipped: [`${GW}:0:no_commit:ingest`],
  },
  {
    name: 'a declared group that never existed keeps everything',
    topics: [topic(GW, [0, 5])],
    groups: [group('ingest', { [GW]: [5] }), group('typo-group', {})],
    deleted: [],
    skipped: [`${GW}:0:no_commit:typo-group`],
  },
  {
    name: 'nothing to do when the log already starts at the commit',
    topics: [topic(GW, [42, 42], [10, 15])],
    groups: [group('ingest', { [GW]: [42, 10] })],
    deleted: [],
    skipped: [`${GW}:0:up_to_date`, `${GW}:1:up_to_date`],
    lag: { [GW]: 5 },
  },
  {
    name: 'a commit below the log start (records lost to retention) deletes nothing',
    topics: [topic(GW, [100, 120])],
    groups: [group('ingest', { [GW]: [80] })],
    deleted: [],
    skipped: [`${GW}:0:behind_log_start`],
    lag: { [GW]: 20 },
  },
  {
    name: 'recreated topic: a commit beyond the high watermark',
    topics: [topic(GW, [0, 12], [0, 3])],
    groups: [group('ingest', { [GW]: [12, 5000] })],
    deleted: [`${GW}:0:0-12`],
    skipped: [`${GW}:1:recreated`],
  },
  {
    name: 'recreated topic: any group ahead of the high watermark is evidence enough',
    topics: [topic(GW, [0, 30])],
    groups: [group('ingest', { [GW]: [10] }), group('siem-export', { [GW]: [900] })],
    deleted: [],
    skipped: [`${GW}:0:recreated`],
  },
  {
    name: 'recreated topic: the high watermark went down since the previous run',
    topics: [topic(GW, [0, 40], [0, 40])],
    groups: [group('ingest', { [GW]: [20, 20] })],
    previousHigh: { [GW]: { 0: 35n, 1: 900n } },
    deleted: [`${GW}:0:0-20`],
    skipped: [`${GW}:1:recreated`],
  },
  {
    name: 'a commit equal to the high watermark truncates everything',
    topics: [topic(GW, [3, 9])],
    groups: [group('ingest', { [GW]: [9] })],
    previousHigh: { [GW]: { 0: 9n } },
    deleted: [`${GW}:0:3-9`],
    skipped: [],
    lag: { [GW]: 0 },
  },
  {
    name: 'offsets beyond 2^53 are exact',
    topics: [
      {
        topic: GW,
        partitions: [{ partition: 0, low: 9007199254740993n, high: 9007199254740999n }],
      },
    ],
    groups: [{ groupId: 'ingest', committed: { [GW]: { 0: 9007199254740995n } } }],
    deleted: [`${GW}:0:9007199254740993-9007199254740995`],
    skipped: [],
  },
];

describe('planTruncation', () => {
  for (const c of cases)
    test(c.name, () => {
      const plan = planTruncation({
        topics: c.topics,
        groups: c.groups,
        ...(c.previousHigh && { previousHigh: c.previousHigh }),
      });
      assert.deepEqual(
        plan.deletions.map((d) => `${d.topic}:${d.partition}:${d.from}-${d.to}`),
        c.deleted,
      );
      assert.deepEqual(
        plan.skipped.map((s) =>
          [s.topic, s.partition, s.reason, ...(s.groups ? [s.groups.join(',')] : [])].join(':'),
        ),
        c.skipped,
      );
      if (c.lag)
        assert.deepEqual(
          Object.fromEntries(Object.entries(plan.lag).map(([t, n]) => [t, Number(n)])),
          c.lag,
        );
    });

  test('never deletes at or past any known group’s commit, whatever the input', () => {
    // A small exhaustive sweep over low/high/commit combinations of two groups.
    for (let low = 0; low <= 4; low += 1)
      for (let high = low; high <= 6; high += 1)
        for (const a of [undefined, 0, 2, 4, 6, 8])
          for (const b of [undefined, 0, 3, 5, 7]) {
            const plan = planTruncation({
              topics: [topic(GW, [low, high])],
              groups: [group('ingest', { [GW]: [a] }), group('other', { [GW]: [b] })],
            });
            for (const d of plan.deletions) {
              assert.ok(a !== undefined && b !== undefined);
              assert.ok(d.to <= BigInt(Math.min(a, b)) && d.to <= BigInt(high) && d.from < d.to);
            }
          }
  });
});
