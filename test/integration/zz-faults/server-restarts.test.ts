import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Ingest } from '../../../ingest/src/ingest.js';
import type { ServerName } from '../../../stack/src/server.js';
import { loadStackConfig } from '../../../stack/src/stack-config.js';
import { interrupt, status, up } from '../../../stack/src/stack.js';
import {
  assertEachMarkerOnce,
  assertNoOffsetAhead,
  committedRecords,
  indexedCount,
  markedLines,
  produceBatch,
  watchOffsets,
} from '../../helpers/exactly-once.js';
import { IngestTestStack } from '../../helpers/ingest-stack.js';
import { waitFor } from '../../helpers/wait.js';

// The shared servers themselves go down mid-ingest: the Kafka broker is stopped and started
// again, and the Elasticsearch JVM is killed with SIGKILL and started again, on the same ports.
// This file is in `zz-faults/` so that the harness runs it after every other file; it restarts
// only the local stack's own servers, and leaves them running and healthy whatever happens.

const BATCH = 1_000;
const stackConfig = loadStackConfig();
/** The environment `up` and `status` see: without it, KAFKA_BROKERS/ES_URL mean "external". */
const localEnv: NodeJS.ProcessEnv = { ...process.env, KAFKA_BROKERS: '', ES_URL: '' };

/** Why the servers these tests use cannot be restarted here, or undefined when they can. */
async function whyNotRestartable(): Promise<string | undefined> {
  const used: Record<ServerName, string> = {
    kafka: process.env.KAFKA_BROKERS ?? '',
    elasticsearch: (process.env.ES_URL ?? '').replace(/\/+$/, ''),
  };
  for (const server of await status(stackConfig, localEnv)) {
    if (server.state !== 'running' || server.endpoint !== used[server.name])
      return `the tests use ${server.name} at ${used[server.name] || '(unset)'}, not the local stack's own server: an existing cluster is never restarted`;
  }
  return undefined;
}

const skip = await whyNotRestartable();

/** Starts whatever is down again, on the same ports, and waits until it is ready. */
async function restoreServers(): Promise<void> {
  await up(stackConfig, localEnv);
}

async function waitForIndexed(stack: IngestTestStack, atLeast: number): Promise<void> {
  await waitFor(
    `at least ${atLeast} documents`,
    async () => ((await indexedCount(stack)) >= atLeast ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 20 },
  );
}

async function deadLettered(ingest: Ingest): Promise<number> {
  const counter = await ingest.metrics.deadLettered.get();
  return counter.values.reduce((sum, value) => sum + value.value, 0);
}

for (const scenario of [
  { server: 'kafka', how: 'stop', label: 'kafka-restart' },
  { server: 'elasticsearch', how: 'kill', label: 'es-kill' },
] as const)
  void describe(
    `${scenario.server} ${scenario.how === 'kill' ? 'killed with SIGKILL' : 'stopped'} and restarted mid-ingest`,
    skip === undefined ? {} : { skip },
    () => {
      // Small bulks: the outage then lands between the bulks of one fetched batch.
      const stack = new IngestTestStack({ INGEST_BULK_MAX_DOCS: '25' });
      before(() => stack.setUp());
      after(async () => {
        await restoreServers();
        await stack.close();
      });

      void test('every event is indexed exactly once, nothing dead-lettered, no offset ahead of Elasticsearch', async () => {
        const ingest = await stack.start();
        // Outside the outage too: while a server is down, the checks fail and are skipped.
        const watch = watchOffsets(stack);
        let violation: string | undefined;
        try {
          await produceBatch(stack, markedLines(scenario.label, 0, BATCH));
          await waitForIndexed(stack, 1);
          await interrupt(stackConfig, scenario.server, scenario.how);
          await restoreServers();
          // A restarted broker answers metadata before it has loaded the group coordinator.
          await waitFor('the group coordinator after the restart', async () => {
            await committedRecords(stack);
            return true;
          });
          await assertNoOffsetAhead(stack, `after the ${scenario.server} restart`);

          await produceBatch(stack, markedLines(scenario.label, BATCH, BATCH));
          await stack.waitUntilCaughtUp(180_000);
          await assertNoOffsetAhead(stack, 'once caught up');
          await assertEachMarkerOnce(stack, scenario.label, 2 * BATCH);
          assert.equal(await deadLettered(ingest), 0, 'nothing dead-lettered');
          assert.ok(ingest.isLive(), 'ingest rode out the outage');
        } finally {
          violation = await watch.stop();
          await stack.stop();
        }
        assert.equal(violation, undefined, 'an offset was committed ahead of Elasticsearch');
      });
    },
  );
