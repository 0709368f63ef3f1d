import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { queueAnonymisation } from '../../../core/src/anonymisation/operation-log.js';
import { indexNames } from '../../../core/src/es/index-names.js';
import { deletedDocsOnDisk } from '../../../jobs/src/anonymisation/erase.js';
import { elasticsearchErasureStore } from '../../../jobs/src/anonymisation/erasure-store.js';
import { runQueuedOperations } from '../../../jobs/src/anonymisation/run-operation.js';
import {
  liftHeldWriteBlocks,
  liftStaleWriteBlocks,
  withWriteBlock,
} from '../../../jobs/src/anonymisation/write-block.js';
import { EsTestContext } from '../../helpers/elasticsearch.js';
import {
  anonymisationTestDeps,
  personalEvent,
  prepareAnonymisationIndices,
  sourcesOf,
} from '../../helpers/jobs.js';
import { OverwritingWriter, writeBlockSetting } from '../../helpers/live-index.js';

const DAY = '2024.03.10';

describe('anonymisation of an index ingest keeps writing to', () => {
  const ctx = new EsTestContext();
  const prefix = ctx.prefix('jobs-live');
  const names = indexNames(prefix);
  const index = names.eventsPrefix + DAY;
  const es = ctx.client;
  const deps = anonymisationTestDeps(es, names);

  before(async () => {
    await prepareAnonymisationIndices(es, names, prefix);
    await es.bulk({
      refresh: true,
      operations: [0, 1, 2].flatMap((i) => [
        { index: { _index: index, _id: `target-${i}` } },
        personalEvent({ '@timestamp': `2024-03-10T10:00:0${i}.000Z` }),
      ]),
    });
  });
  after(() => ctx.close());

  /** Anonymises `user` in tenant-a while the writer overwrites other documents of the index. */
  async function anonymiseUnderOverwrites(
    user: string,
    ticket: string,
  ): Promise<OverwritingWriter> {
    const writer = new OverwritingWriter(es, index);
    try {
      // On a loaded machine the writer's first bulk can take longer than any fixed pause.
      await waitFor(() => Promise.resolve(writer.written > 0));
      const writtenBefore = writer.written;
      await queueAnonymisation(es, names, {
        tenant: 'tenant-a',
        requestedBy: 'officer-1',
        request: { selector: { type: 'user_id', value: user }, reason: `DPO ticket ${ticket}` },
      });
      const [done] = await runQueuedOperations(deps, new Date());
      assert.equal(done?.status, 'done', JSON.stringify(done?.result));
      assert.equal(done?.result?.eventsAnonymised, 3);
      assert.equal(done?.result?.verification?.passed, true);
      await sleep(500);
      assert.ok(writer.written > writtenBefore, 'writes went on');
    } finally {
      await writer.stop();
    }
    assert.equal(await writeBlockSetting(es, index), undefined);
    assert.deepEqual(await liftStaleWriteBlocks(es, names.locks), []);
    const users = (await sourcesOf(es, index)).map(
      (d) => (d.user as { id?: string } | undefined)?.id,
    );
    assert.equal(users.filter((id) => id === 'user-unrelated').length, 5);
    return writer;
  }

  test('ends done without blocking writes: the value is in no segment any more', async () => {
    const writer = await anonymiseUnderOverwrites('user-8812', '90');
    assert.equal(writer.blockedAttempts, 0);
    const tenantA = (await sourcesOf(es, index)).filter(
      (d) => (d.organization as { id: string }).id === 'tenant-a',
    );
    assert.ok(!JSON.stringify(tenantA).includes('user-8812'));
  });

  test('when another tenant holds the value, the whole-index proof under a short block', async (t) => {
    await es.bulk({
      refresh: true,
      operations: [0, 1, 2]
        .flatMap((i) => [
          { index: { _index: index, _id: `shared-a-${i}` } },
          personalEvent({
            '@timestamp': `2024-03-10T11:00:0${i}.000Z`,
            user: { id: 'user-shared' },
          }),
        ])
        .concat([
          { index: { _index: index, _id: 'shared-b' } },
          personalEvent({
            '@timestamp': '2024-03-10T11:30:00.000Z',
            user: { id: 'user-shared' },
            organization: { id: 'tenant-b' },
          }),
        ]),
    });
    const writer = await anonymiseUnderOverwrites('user-shared', '91');
    assert.ok(writer.blockedAttempts > 0, 'the erasure held a write block');
    t.diagnostic(`writes blocked for ${writer.lastBlockedAt - writer.firstBlockedAt} ms`);
    const holders = (await sourcesOf(es, index)).filter(
      (d) => (d.user as { id?: string } | undefined)?.id === 'user-shared',
    );
    assert.deepEqual(
      holders.map((d) => (d.organization as { id: string }).id),
      ['tenant-b'],
    );
  });

  test('a block left by a crashed erasure is lifted by the next run', async () => {
    let wakeTheOwner = (): void => undefined;
    const ownerHangs = new Promise<void>((resolve) => (wakeTheOwner = resolve));
    // The owner hangs inside the block as a killed process would, past the next run's start.
    const crashed = withWriteBlock(es, names.locks, index, () => ownerHangs);
    await waitFor(async () => (await writeBlockSetting(es, index)) === 'true');
    const lifted = await liftStaleWriteBlocks(es, names.locks);
    assert.deepEqual(lifted, [index]);
    assert.equal(await writeBlockSetting(es, index), undefined);
    wakeTheOwner();
    await crashed;
    // The late finally of the "dead" owner finds its record gone and leaves things alone.
    assert.equal(await writeBlockSetting(es, index), undefined);
  });

  test('a shutdown lifts the blocks its process holds, mid-erasure', async () => {
    let finishWork = (): void => undefined;
    const workHangs = new Promise<void>((resolve) => (finishWork = resolve));
    const erasing = withWriteBlock(es, names.locks, index, () => workHangs);
    await waitFor(async () => (await writeBlockSetting(es, index)) === 'true');
    await liftHeldWriteBlocks();
    assert.equal(await writeBlockSetting(es, index), undefined);
    assert.deepEqual(await liftStaleWriteBlocks(es, names.locks), []);
    finishWork();
    await erasing;
  });

  test('a write block set by an operator stays after an erasure', async () => {
    await es.indices.putSettings({ index, settings: { 'index.blocks.write': true } });
    await withWriteBlock(es, names.locks, index, () =>
      deletedDocsOnDisk(elasticsearchErasureStore(es, names.locks), index),
    );
    assert.equal(await writeBlockSetting(es, index), 'true');
    assert.deepEqual(await liftStaleWriteBlocks(es, names.locks), []);
    await es.indices.putSettings({ index, settings: { 'index.blocks.write': null } });
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if (await condition()) return;
    await sleep(50);
  }
  throw new Error('condition not met in 5 s');
}
