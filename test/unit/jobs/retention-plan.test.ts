import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  planRetention,
  retentionCutoff,
  type EventIndexState,
} from '../../../jobs/src/retention/plan.js';

const PREFIX = 'ariane-events-';
const at = (iso: string) => new Date(iso);
const index = (day: string, extra: Partial<EventIndexState> = {}): EventIndexState => ({
  name: `${PREFIX}${day}`,
  closed: false,
  docs: 1,
  oldest: at(`${day.replaceAll('.', '-')}T00:00:00.000Z`),
  newest: at(`${day.replaceAll('.', '-')}T23:59:59.999Z`),
  ...extra,
});

describe('retentionCutoff', () => {
  const cases: [string, string, string][] = [
    ['midnight UTC', '2024-03-11T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['one ms before midnight UTC', '2024-03-10T23:59:59.999Z', '2024-02-29T23:59:59.999Z'],
    ['leap day', '2024-03-10T12:00:00.000Z', '2024-02-29T12:00:00.000Z'],
    [
      'across the spring DST change (Europe, 2024-03-31)',
      '2024-04-05T12:00:00.000Z',
      '2024-03-26T12:00:00.000Z',
    ],
    [
      'across the autumn DST change (Europe, 2024-10-27)',
      '2024-11-01T00:30:00.000Z',
      '2024-10-22T00:30:00.000Z',
    ],
    ['month end', '2024-05-10T12:00:00.000Z', '2024-04-30T12:00:00.000Z'],
    ['year end', '2025-01-10T00:00:00.000Z', '2024-12-31T00:00:00.000Z'],
  ];
  for (const [name, now, expected] of cases)
    test(name, () => assert.equal(retentionCutoff(at(now), 10).toISOString(), expected));

  test('is exactly N × 24 h whatever the local clock does', () => {
    const now = at('2024-10-27T01:30:00.000Z');
    assert.equal(now.getTime() - retentionCutoff(now, 10).getTime(), 10 * 86_400_000);
  });
});

describe('planRetention', () => {
  const names = (list: readonly EventIndexState[]) => list.map((i) => i.name);
  const cases: {
    name: string;
    now: string;
    indices: EventIndexState[];
    deleted: string[];
    pruned: string[];
    ignored?: string[];
  }[] = [
    {
      name: 'cut-off exactly at 00:00 UTC deletes the day that just ended, keeps the next',
      now: '2024-03-11T00:00:00.000Z',
      indices: [index('2024.02.29'), index('2024.03.01'), index('2024.03.10')],
      deleted: ['2024.02.29'],
      pruned: [],
    },
    {
      name: 'cut-off 1 ms before 00:00 UTC keeps the day (its events are pruned one by one)',
      now: '2024-03-10T23:59:59.999Z',
      indices: [index('2024.02.28'), index('2024.02.29'), index('2024.03.01')],
      deleted: ['2024.02.28'],
      pruned: ['2024.02.29'],
    },
    {
      name: 'spring DST change: days are UTC days',
      now: '2024-04-10T01:30:00.000Z',
      indices: [index('2024.03.30'), index('2024.03.31'), index('2024.04.01')],
      deleted: ['2024.03.30'],
      pruned: ['2024.03.31'],
    },
    {
      name: 'autumn DST change: days are UTC days',
      now: '2024-11-07T00:00:00.000Z',
      indices: [index('2024.10.26'), index('2024.10.27'), index('2024.10.28')],
      deleted: ['2024.10.26', '2024.10.27'],
      pruned: [],
    },
    {
      name: 'month end',
      now: '2024-05-10T12:00:00.000Z',
      indices: [index('2024.04.29'), index('2024.04.30'), index('2024.05.01')],
      deleted: ['2024.04.29'],
      pruned: ['2024.04.30'],
    },
    {
      name: 'year end',
      now: '2025-01-10T00:00:00.000Z',
      indices: [index('2024.12.30'), index('2024.12.31'), index('2025.01.01')],
      deleted: ['2024.12.30'],
      pruned: [],
    },
    {
      name: 'a late event in an old day keeps the index; its old events are pruned',
      now: '2024-03-20T00:00:00.000Z',
      indices: [index('2024.03.01', { newest: at('2024-03-15T10:00:00.000Z') })],
      deleted: [],
      pruned: ['2024.03.01'],
    },
    {
      name: 'a stray old event in a recent day is pruned',
      now: '2024-03-20T00:00:00.000Z',
      indices: [index('2024.03.15', { oldest: at('2024-03-01T10:00:00.000Z') })],
      deleted: [],
      pruned: ['2024.03.15'],
    },
    {
      name: 'catch-up after missed runs deletes every overdue day at once',
      now: '2024-03-31T00:00:00.000Z',
      indices: ['2024.03.01', '2024.03.02', '2024.03.03', '2024.03.20', '2024.03.21'].map((d) =>
        index(d),
      ),
      deleted: ['2024.03.01', '2024.03.02', '2024.03.03', '2024.03.20'],
      pruned: [],
    },
    {
      name: 'closed and empty indices are decided by name',
      now: '2024-03-31T00:00:00.000Z',
      indices: [
        { name: `${PREFIX}2024.03.01`, closed: true, docs: 5 },
        { name: `${PREFIX}2024.03.02`, closed: false, docs: 0 },
        { name: `${PREFIX}2024.03.30`, closed: true, docs: 5 },
      ],
      deleted: ['2024.03.01', '2024.03.02'],
      pruned: [],
    },
    {
      name: 'names that are not a real day are never touched',
      now: '2024-03-31T00:00:00.000Z',
      indices: [index('2023.02.30'), index('backup'), index('2024.3.1')],
      deleted: [],
      pruned: [],
      ignored: ['2023.02.30', '2024.3.1', 'backup'],
    },
  ];
  for (const c of cases)
    test(c.name, () => {
      const plan = planRetention(c.indices, retentionCutoff(at(c.now), 10), PREFIX);
      assert.deepEqual(
        names(plan.deleteIndices),
        c.deleted.map((d) => PREFIX + d),
      );
      assert.deepEqual(
        plan.pruneIndices,
        c.pruned.map((d) => PREFIX + d),
      );
      assert.deepEqual(
        plan.ignored,
        (c.ignored ?? []).map((d) => PREFIX + d),
      );
    });
});

// The same table must hold whatever the process time zone: run this file again under
// Europe/Paris (DST) and Pacific/Kiritimati (UTC+14, the far side of the date line).
if (process.env.ARIANE_TZ_CHILD === undefined) {
  describe('process time zone', () => {
    for (const tz of ['Europe/Paris', 'Pacific/Kiritimati'])
      test(`gives the same plan under TZ=${tz}`, () => {
        // Without NODE_TEST_CONTEXT the child reports failures through its exit code.
        const env = { ...process.env };
        delete env.NODE_TEST_CONTEXT;
        const child = spawnSync(
          process.execPath,
          ['--import', 'tsx', '--test', fileURLToPath(import.meta.url)],
          { env: { ...env, TZ: tz, ARIANE_TZ_CHILD: tz }, encoding: 'utf8' },
        );
        assert.equal(child.status, 0, child.stdout + child.stderr);
      });
  });
} else {
  test('runs under the requested time zone', () => {
    assert.equal(Intl.DateTimeFormat().resolvedOptions().timeZone, process.env.ARIANE_TZ_CHILD);
  });
}
