import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  assertEachMarkerOnce,
  assertNoOffsetAhead,
  indexedCount,
  markedLines,
  produceBatch,
} from '../../helpers/exactly-once.js';
import { IngestTestStack } from '../../helpers/ingest-stack.js';
import { waitFor } from '../../helpers/wait.js';

// Faults that do not disturb the shared servers: the ingest process killed with SIGKILL, and
// a disk-full style block on the day's index. Each scenario asserts that every produced event is
// indexed exactly once (by _id count and by a per-event marker) and that no offset was
// committed ahead of Elasticsearch.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function startIngestProcess(stack: IngestTestStack): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'ingest/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ARIANE_INDEX_PREFIX: stack.config.ARIANE_INDEX_PREFIX,
      ARIANE_TOPIC_PREFIX: stack.config.ARIANE_TOPIC_PREFIX,
      INGEST_GROUP_ID: stack.config.INGEST_GROUP_ID,
      ANONYMISATION_DENYLIST_KEY: stack.config.ANONYMISATION_DENYLIST_KEY,
      INGEST_OPS_PORT: '0',
      INGEST_OPS_HOST: '127.0.0.1',
      KAFKA_TOPIC_PARTITIONS: '3',
      // Small bulks: a kill then lands between "indexed" and "committed" more often.
      INGEST_BULK_MAX_DOCS: '25',
      INGEST_RETRY_INITIAL_MS: '50',
      INGEST_RETRY_MAX_MS: '1000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.resume();
  return child;
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

void describe('ingest killed with SIGKILL mid-stream', () => {
  const stack = new IngestTestStack();
  const children: ChildProcess[] = [];
  before(async () => {
    await stack.setUp();
  });
  after(async () => {
    for (const child of children) await stopProcess(child, 'SIGKILL');
    await stack.close();
  });

  void test('after a restart every event is indexed exactly once; no offset was ahead of Elasticsearch', async () => {
    const n = 1_200;
    const first = startIngestProcess(stack);
    children.push(first);
    await produceBatch(stack, markedLines('kill', 0, n));
    await waitFor(
      'the first documents',
      async () => ((await indexedCount(stack)) > 0 ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    await stopProcess(first, 'SIGKILL');

    await assertNoOffsetAhead(stack, 'after the kill');

    const second = startIngestProcess(stack);
    children.push(second);
    await assertEachMarkerOnce(stack, 'kill', n);
    await stack.waitUntilCaughtUp();
    await stopProcess(second, 'SIGTERM');
    assert.equal(second.exitCode, 0, 'a SIGTERM shutdown exits 0');
  });
});

void describe("a disk-full style block on the day's index", () => {
  const stack = new IngestTestStack();
  before(async () => {
    await stack.setUp();
  });
  after(async () => {
    await stack.es.client.indices
      .putSettings({
        index: stack.eventsPattern,
        settings: { 'index.blocks.read_only_allow_delete': null, 'index.blocks.write': null },
      })
      .catch(() => undefined);
    await stack.close();
  });

  for (const block of ['index.blocks.read_only_allow_delete', 'index.blocks.write'] as const)
    void test(`${block}: retried, never dead-lettered, committed only once written`, async () => {
      const label = block.split('.').at(-1) ?? 'block';
      const before = await indexedCount(stack);
      const ingest = await stack.start();
      try {
        await produceBatch(stack, markedLines(label, 0, 50));
        await stack.es.waitForCount(stack.eventsPattern, before + 50, 60_000);
        await stack.waitUntilCaughtUp();

        await stack.es.client.indices.putSettings({
          index: stack.eventsPattern,
          settings: { [block]: true },
        });
        const retriedBefore = (await ingest.metrics.retried.get()).values[0]?.value ?? 0;
        await produceBatch(stack, markedLines(label, 50, 150));
        await waitFor(
          'bulk retries against the blocked index',
          async () => {
            const retried = (await ingest.metrics.retried.get()).values[0]?.value ?? 0;
            return retried > retriedBefore ? true : undefined;
          },
          { timeoutMs: 60_000 },
        );
        assert.equal(await stack.lag(), 150, 'nothing committed while the index is blocked');
        const deadLettered = await ingest.metrics.deadLettered.get();
        assert.equal(
          deadLettered.values.reduce((sum, value) => sum + value.value, 0),
          0,
          'nothing dead-lettered',
        );

        await stack.es.client.indices.putSettings({
          index: stack.eventsPattern,
          settings: { [block]: null },
        });
        await stack.waitUntilCaughtUp();
        await assertEachMarkerOnce(stack, label, 200, before + 200);
      } finally {
        await stack.stop();
      }
    });
});
