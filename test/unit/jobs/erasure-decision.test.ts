import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  deletedOnCopies,
  erasureTimes,
  everyCopyReachable,
  fieldsListed,
  historyReleased,
  LEASE_RENEWAL_MS,
  needsSingleDeleteMerge,
  nextErasureStep,
  nextExpungeStep,
  valueProof,
  waitBeforeWriteBlock,
  writtenUpTo,
  type ValueProof,
} from '../../../jobs/src/anonymisation/erasure-decision.js';
import type {
  CopyAllocation,
  CopyState,
  CopyTermLookup,
} from '../../../jobs/src/anonymisation/erasure-store.js';

// The erasure's decisions, without a cluster: erase.ts only performs what these return.

const copy = (
  deletedDocs: number,
  maxSeqNo: number,
  leases: [number, number][] = [],
): CopyState => ({
  deletedDocs,
  maxSeqNo,
  leases: leases.map(([retainingSeqNo, renewedAt]) => ({ retainingSeqNo, renewedAt })),
});

describe('what the shard copies hold', () => {
  test('deleted documents are summed over primaries and replicas', () => {
    assert.equal(deletedOnCopies([copy(0, 5), copy(2, 5), copy(1, 5)]), 3);
    assert.equal(deletedOnCopies([]), 0);
  });
  test('what is written is the highest sequence number of any copy, -1 when none', () => {
    assert.equal(writtenUpTo([copy(0, 4), copy(0, 9)]), 9);
    assert.equal(writtenUpTo([]), -1);
  });
});

describe('whether history retention released what is written', () => {
  const cases: [string, CopyState[], number, boolean][] = [
    [
      'every lease of every copy is past it',
      [
        copy(0, 9, [[10, 0]]),
        copy(0, 9, [
          [10, 0],
          [12, 0],
        ]),
      ],
      9,
      true,
    ],
    ['a replica’s lease still retains it', [copy(0, 9, [[10, 0]]), copy(0, 9, [[9, 0]])], 9, false],
    ['a lease exactly at it retains it', [copy(0, 9, [[9, 0]])], 9, false],
    ['no lease retains anything', [copy(0, 9)], 9, true],
  ];
  for (const [name, copies, seqNo, expected] of cases)
    test(`${name}: ${expected}`, () => {
      assert.equal(historyReleased(copies, seqNo), expected);
    });
});

describe('whether every copy can be merged and checked now', () => {
  const cases: [string, CopyAllocation[], boolean][] = [
    ['all started', [{ state: 'STARTED' }, { state: 'STARTED' }], true],
    [
      'a replica never allocated (one node)',
      [{ state: 'STARTED' }, { state: 'UNASSIGNED', unassignedReason: 'INDEX_CREATED' }],
      true,
    ],
    [
      'a replica just added, never allocated',
      [{ state: 'STARTED' }, { state: 'UNASSIGNED', unassignedReason: 'REPLICA_ADDED' }],
      true,
    ],
    [
      'a copy whose node left keeps its files there',
      [{ state: 'STARTED' }, { state: 'UNASSIGNED', unassignedReason: 'NODE_LEFT' }],
      false,
    ],
    ['an unassigned copy with no reason given', [{ state: 'UNASSIGNED' }], false],
    ['a copy still being recovered', [{ state: 'STARTED' }, { state: 'INITIALIZING' }], false],
    ['a relocating copy is started and answers', [{ state: 'RELOCATING' }], true],
  ];
  for (const [name, copies, expected] of cases)
    test(`${name}: ${expected}`, () => {
      assert.equal(everyCopyReachable(copies), expected);
    });
});

test('a single deleted document must be enough to merge a segment', () => {
  assert.equal(needsSingleDeleteMerge(0), false);
  assert.equal(needsSingleDeleteMerge(10), true);
  assert.equal(needsSingleDeleteMerge(undefined), true);
});

describe('when to set a write block: just before the leases’ next renewal', () => {
  const cases: [string, number[], number, number][] = [
    ['renewed 10 s ago', [1_000_000], 1_010_000, LEASE_RENEWAL_MS - 2_000 - 10_000],
    [
      'the latest renewal of any copy counts',
      [1_000_000, 1_005_000],
      1_010_000,
      LEASE_RENEWAL_MS - 2_000 - 5_000,
    ],
    ['the renewal is overdue', [1_000_000], 1_040_000, 0],
    ['no lease seen: at once', [], 1_040_000, 0],
    ['a lease from the future is capped at one period', [2_000_000], 1_000_000, LEASE_RENEWAL_MS],
  ];
  for (const [name, renewals, now, expected] of cases)
    test(`${name}: ${expected} ms`, () => {
      const copies = renewals.map((at) => copy(0, 0, [[1, at]]));
      assert.equal(waitBeforeWriteBlock(copies, now), expected);
    });
});

describe('the per-copy verdict of a term lookup', () => {
  const fields = ['ariane.session_id', 'user.id', 'client.ip'];
  const answered = (...fieldsListing: string[]): CopyTermLookup => ({
    answered: true,
    fieldsListing,
  });
  const cases: [string, CopyTermLookup[], string[]][] = [
    ['no copy lists it', [answered(), answered()], []],
    ['only a replica not merged yet lists it', [answered(), answered('user.id')], ['user.id']],
    [
      'copies list different fields, in field order',
      [answered('client.ip'), answered('ariane.session_id')],
      ['ariane.session_id', 'client.ip'],
    ],
    ['a copy that did not answer lists every field', [answered(), { answered: false }], fields],
    ['no copy at all proves nothing', [], fields],
  ];
  for (const [name, lookups, expected] of cases)
    test(name, () => {
      assert.deepEqual(fieldsListed(fields, lookups), expected);
    });
});

describe('what a per-value check proves', () => {
  const cases: [string, number, string[], ValueProof][] = [
    ['nothing live, no dictionary lists it', 0, [], 'gone'],
    ['nothing live, a dictionary still lists it', 0, ['ariane.session_id'], 'in_segments'],
    ['another tenant’s live events hold it', 3, [], 'undecidable'],
    ['live holders and listed', 1, ['client.ip'], 'undecidable'],
  ];
  for (const [name, liveHolders, fieldsListing, expected] of cases)
    test(`${name}: ${expected}`, () => {
      assert.equal(valueProof({ liveHolders, fieldsListing }), expected);
    });
});

describe('the next step of a live index’s erasure (3 rounds)', () => {
  const cases: [ValueProof, number, ReturnType<typeof nextErasureStep>][] = [
    ['gone', 1, 'done'],
    ['gone', 3, 'done'],
    ['in_segments', 1, 'catch_up'],
    ['undecidable', 2, 'catch_up'],
    ['in_segments', 3, 'defer'],
    ['undecidable', 3, 'block'],
  ];
  for (const [outcome, round, expected] of cases)
    test(`${outcome} after round ${round}: ${expected}`, () => {
      assert.equal(nextErasureStep(outcome, round, 3), expected);
    });
});

describe('the next step of a whole-index erasure', () => {
  const at = { attempts: 10, now: 1_000, deadline: 2_000 };
  const cases: [string, number, number, number, ReturnType<typeof nextExpungeStep>][] = [
    ['no deleted document on any copy', 0, 1, 1_000, 'done'],
    ['no deleted document, even past the deadline', 0, 10, 5_000, 'done'],
    ['deleted documents left, time and attempts left', 4, 3, 1_000, 'retry'],
    ['the write block’s time is up', 4, 3, 2_000, 'defer'],
    ['the last attempt', 4, 10, 1_000, 'incomplete'],
  ];
  for (const [name, deleted, attempt, now, expected] of cases)
    test(`${name}: ${expected}`, () => {
      assert.equal(nextExpungeStep({ ...at, deleted, attempt, now }), expected);
    });
});

describe('time to erasure: from the request to the last copy gone', () => {
  const requestedAt = new Date('2026-12-01T10:00:00.000Z');
  const at = (seconds: number) => new Date(requestedAt.getTime() + seconds * 1_000);
  test('Elasticsearch only (no Kafka truncation): its proof is the last copy', () => {
    assert.deepEqual(erasureTimes({ requestedAt, elasticsearchAt: at(30) }), {
      elasticsearchAt: at(30).toISOString(),
      timeToErasureMs: 30_000,
    });
  });
  test('each Elasticsearch copy has its own time; the verification after them ends it', () => {
    assert.deepEqual(
      erasureTimes({
        requestedAt,
        eventsOnDiskAt: at(29),
        deadLettersAt: at(12),
        elasticsearchAt: at(30),
      }),
      {
        eventsOnDiskAt: at(29).toISOString(),
        deadLettersAt: at(12).toISOString(),
        elasticsearchAt: at(30).toISOString(),
        timeToErasureMs: 30_000,
      },
    );
  });
  test('with Kafka, its on-disk bound is the last copy', () => {
    const times = erasureTimes({
      requestedAt,
      elasticsearchAt: at(30),
      kafka: { truncatedAt: at(31), offDiskBy: at(97) },
    });
    assert.equal(times.kafkaTruncatedAt, at(31).toISOString());
    assert.equal(times.kafkaOffDiskBy, at(97).toISOString());
    assert.equal(times.timeToErasureMs, 97_000);
  });
  test('a clock that moved back never gives a negative time', () => {
    assert.equal(erasureTimes({ requestedAt, elasticsearchAt: at(-5) }).timeToErasureMs, 0);
  });
});
