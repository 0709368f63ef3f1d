import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { FIXTURE_START_MS, shiftedFixture } from './ingest.js';
import type { IngestTestStack } from './ingest-stack.js';

// Checks shared by the fault tests: every produced event indexed exactly once (by document
// count and by a per-event marker), and no offset committed ahead of Elasticsearch.

/** `count` distinct service log lines an hour old, each carrying `<label>-<i>` in its message. */
export function markedLines(label: string, from: number, count: number): string[] {
  const base = shiftedFixture('service-ecs', Date.now() - 3_600_000 - FIXTURE_START_MS);
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({ ...base, message: `${label}-${from + i}` }),
  );
}

/** Produces the lines to the services topic, 200 records a request. */
export async function produceBatch(
  stack: IngestTestStack,
  lines: readonly string[],
): Promise<void> {
  const producer = await stack.kafka.producer();
  for (let start = 0; start < lines.length; start += 200)
    await producer.send({
      topic: stack.topics.services,
      acks: -1,
      messages: lines.slice(start, start + 200).map((value) => ({ value })),
    });
}

export async function indexedCount(stack: IngestTestStack): Promise<number> {
  // A node still recovering, or a daily index ingest has just created, answers for the shards
  // it has started: a partial count is no count, so it is asked again for a few seconds.
  for (let attempt = 1; ; attempt += 1) {
    await stack.es.client.indices.refresh({ index: stack.eventsPattern, allow_no_indices: true });
    const { count, _shards: shards } = await stack.es.client.count({
      index: stack.eventsPattern,
      allow_no_indices: true,
    });
    if (shards.failed === 0 && shards.successful === shards.total) return count;
    if (attempt === 20)
      throw new Error(`count answered by ${shards.successful} of ${shards.total} shards`);
    await sleep(250);
  }
}

/**
 * Waits for `total` documents in the stack's indices, then checks that the markers
 * `<label>-0` .. `<label>-<n-1>` are each indexed exactly once.
 */
export async function assertEachMarkerOnce(
  stack: IngestTestStack,
  label: string,
  n: number,
  total = n,
): Promise<void> {
  await stack.es.waitForCount(stack.eventsPattern, total, 60_000);
  const result = await stack.es.client.search<{ message?: string }>({
    index: stack.eventsPattern,
    size: total + 10,
    _source: ['message'],
  });
  const markers = result.hits.hits
    .map((hit) => hit._source?.message ?? '')
    .filter((message) => message.startsWith(`${label}-`));
  assert.equal(markers.length, n);
  assert.equal(new Set(markers).size, n, 'a marker was indexed twice');
  for (let i = 0; i < n; i += 1) assert.ok(markers.includes(`${label}-${i}`), `${label}-${i}`);
}

/** Records of the services topic the group has committed. */
export async function committedRecords(stack: IngestTestStack): Promise<number> {
  const admin = await stack.kafka.admin();
  const [committed] = await admin.fetchOffsets({
    groupId: stack.config.INGEST_GROUP_ID,
    topics: [stack.topics.services],
  });
  return (committed?.partitions ?? []).reduce(
    (sum, partition) => sum + Math.max(0, Number(partition.offset)),
    0,
  );
}

/**
 * Asserts that the group has committed no record Elasticsearch does not hold. Offsets are read
 * before the count: a commit only ever follows the write, so the order cannot hide a violation.
 */
export async function assertNoOffsetAhead(stack: IngestTestStack, when: string): Promise<void> {
  const committed = await committedRecords(stack);
  const indexed = await indexedCount(stack);
  assert.ok(
    committed <= indexed,
    `${when}: committed ${committed} records but only ${indexed} are in Elasticsearch`,
  );
}

/**
 * Checks {@link assertNoOffsetAhead} over and over in the background, until `stop()`, which
 * resolves with the first violation seen (or undefined): "never ahead", not only at a few points.
 */
export function watchOffsets(stack: IngestTestStack): { stop(): Promise<string | undefined> } {
  let running = true;
  let violation: string | undefined;
  const loop = (async () => {
    while (running && violation === undefined) {
      try {
        await assertNoOffsetAhead(stack, 'while watching');
      } catch (error) {
        if (error instanceof assert.AssertionError) violation = error.message;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return violation;
    },
  };
}
