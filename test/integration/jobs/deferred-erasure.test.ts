import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { queueAnonymisation } from '../../../core/src/anonymisation/operation-log.js';
import { indexNames } from '../../../core/src/es/index-names.js';
import {
  DEFAULT_ERASE_OPTIONS,
  eraseLiveIndex,
  ErasureDeferredError,
} from '../../../jobs/src/anonymisation/erase.js';
import { elasticsearchErasureStore } from '../../../jobs/src/anonymisation/erasure-store.js';
import { runQueuedOperations } from '../../../jobs/src/anonymisation/run-operation.js';
import { EsTestContext } from '../../helpers/elasticsearch.js';
import {
  anonymisationTestDeps,
  personalEvent,
  prepareAnonymisationIndices,
} from '../../helpers/jobs.js';
import { OverwritingWriter, writeBlockSetting } from '../../helpers/live-index.js';

/**
 * An erasure of a live index that is not proven in time hands over to the next run. Its own
 * file: each run waits for the history leases' 30 s timer.
 */
const ctx = new EsTestContext();
const prefix = ctx.prefix('jobs-deferred');
const names = indexNames(prefix);
const index = names.eventsPrefix + '2024.03.10';
const es = ctx.client;
const deps = anonymisationTestDeps(es, names);

before(async () => {
  await prepareAnonymisationIndices(es, names, prefix);
});
after(() => ctx.close());

test('an erasure deferred past its block cap resumes with the value kept, and ends done', async () => {
  await es.bulk({
    refresh: true,
    operations: (['tenant-a', 'tenant-b'] as const).flatMap((tenant) => [
      { index: { _index: index, _id: `deferred-${tenant}` } },
      personalEvent({
        '@timestamp': '2024-03-10T11:45:00.000Z',
        user: { id: 'user-deferred' },
        organization: { id: tenant },
      }),
    ]),
  });
  const writer = new OverwritingWriter(es, index);
  try {
    await sleep(500);
    const operation = await queueAnonymisation(es, names, {
      tenant: 'tenant-a',
      requestedBy: 'officer-1',
      request: { selector: { type: 'user_id', value: 'user-deferred' }, reason: 'DPO ticket 92' },
    });
    // No wait for history release and no time under the block: the writer's last overwrites
    // are still retained, so the whole-index proof cannot pass before the cap.
    const impatient = {
      ...deps,
      erase: { ...DEFAULT_ERASE_OPTIONS, leaseWaitMs: 0, blockMaxMs: 0, proofRounds: 1 },
    };
    const [deferred] = await runQueuedOperations(impatient, new Date());
    assert.equal(deferred?.status, 'running');
    assert.deepEqual(
      deferred?.result?.errors.map((e) => e.code),
      ['ARIANE_ANONYMISATION_DEFERRED'],
    );
    assert.equal(await writeBlockSetting(es, index), undefined);
    const kept = await es.exists({
      index: names.anonymisationRequests,
      id: operation.operationId,
    });
    assert.equal(kept, true, 'the clear value stays until the erasure is done');

    // The value is shared with tenant-b, so the per-value proof never passes: one round only.
    const oneRound = { ...deps, erase: { ...DEFAULT_ERASE_OPTIONS, proofRounds: 1 } };
    const [resumed] = await runQueuedOperations(oneRound, new Date());
    assert.equal(resumed?.status, 'done', JSON.stringify(resumed?.result));
    assert.equal(resumed?.attempts, 2);
    assert.equal(resumed?.result?.verification?.passed, true);
    const gone = await es.exists({
      index: names.anonymisationRequests,
      id: operation.operationId,
    });
    assert.equal(gone, false);
  } finally {
    await writer.stop();
  }
});

test('a value left only in segments defers the erasure without ever blocking writes', async () => {
  const writer = new OverwritingWriter(es, index);
  let rounds = 0;
  try {
    await sleep(500);
    await assert.rejects(
      eraseLiveIndex(
        elasticsearchErasureStore(es, names.locks),
        index,
        {
          check: () => {
            rounds += 1;
            return Promise.resolve('in_segments');
          },
          catchUp: () => Promise.resolve(),
        },
        { ...DEFAULT_ERASE_OPTIONS, leaseWaitMs: 1_000, proofRounds: 2 },
      ),
      ErasureDeferredError,
    );
  } finally {
    await writer.stop();
  }
  assert.equal(rounds, 2);
  assert.equal(writer.blockedAttempts, 0);
  assert.equal(await writeBlockSetting(es, index), undefined);
});
