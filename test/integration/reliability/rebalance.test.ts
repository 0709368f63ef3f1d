import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Ingest } from '../../../ingest/src/ingest.js';
import {
  assertEachMarkerOnce,
  assertNoOffsetAhead,
  indexedCount,
  markedLines,
  produceBatch,
  watchOffsets,
} from '../../helpers/exactly-once.js';
import { IngestTestStack } from '../../helpers/ingest-stack.js';
import { waitFor } from '../../helpers/wait.js';

// Two ingest instances of one consumer group, in-process: the second joins while the first is
// consuming, then the first leaves while the second is; each change moves partitions between
// them mid-batch. Every event must still be indexed exactly once, and no offset committed
// ahead of Elasticsearch at any change.

const BATCH = 600;

async function waitForIndexed(stack: IngestTestStack, atLeast: number): Promise<void> {
  await waitFor(
    `at least ${atLeast} documents`,
    async () => ((await indexedCount(stack)) >= atLeast ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 50 },
  );
}

void describe('two ingest instances rebalancing while traffic flows', () => {
  // Small bulks, so that a rebalance lands between bulks of one fetched batch.
  const stack = new IngestTestStack({ INGEST_BULK_MAX_DOCS: '25' });
  const instances: Ingest[] = [];
  before(() => stack.setUp());
  after(async () => {
    for (const ingest of instances) await ingest.stop();
    await stack.close();
  });

  void test('a member joining then one leaving mid-stream: each event indexed exactly once', async () => {
    const watch = watchOffsets(stack);
    let violation: string | undefined;
    try {
      const first = await stack.start();
      instances.push(first);
      await produceBatch(stack, markedLines('rebalance', 0, BATCH));
      await waitForIndexed(stack, 1);

      // The second member joins while the second batch is being produced and consumed.
      const producing = produceBatch(stack, markedLines('rebalance', BATCH, BATCH));
      instances.push(await stack.start());
      await producing;
      await assertNoOffsetAhead(stack, 'after the second member joined');
      await waitForIndexed(stack, BATCH + 1);

      // The first member leaves while the third batch is being produced and consumed.
      const producingMore = produceBatch(stack, markedLines('rebalance', 2 * BATCH, BATCH));
      await first.stop();
      await assertNoOffsetAhead(stack, 'after the first member left');
      await producingMore;

      await stack.waitUntilCaughtUp(120_000);
      await assertNoOffsetAhead(stack, 'once caught up');
      await assertEachMarkerOnce(stack, 'rebalance', 3 * BATCH);
    } finally {
      violation = await watch.stop();
    }
    assert.equal(violation, undefined, 'an offset was committed ahead of Elasticsearch');
  });
});
