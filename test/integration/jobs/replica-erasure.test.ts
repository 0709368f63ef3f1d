import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@elastic/elasticsearch';
import { queueAnonymisation } from '../../../core/src/anonymisation/operation-log.js';
import { createElasticsearchClient } from '../../../core/src/es/client.js';
import { indexNames } from '../../../core/src/es/index-names.js';
import type { DeadLetterRecord } from '../../../core/src/schemas/dead-letter.js';
import { runQueuedOperations } from '../../../jobs/src/anonymisation/run-operation.js';
import { shardCopiesOf } from '../../../jobs/src/anonymisation/erasure-store.js';
import {
  memoryShortfall,
  twoNodeCluster,
  type TwoNodeCluster,
} from '../../../stack/src/elasticsearch-cluster.js';
import {
  anonymisationTestDeps,
  personalEvent,
  prepareAnonymisationIndices,
} from '../../helpers/jobs.js';
import { waitFor } from '../../helpers/wait.js';

// A cluster of its own: two nodes on free ports in a temporary folder, never the shared stack.
const HEAP = '512m';
const TENANT = 'tenant-a';
const SESSION = `sess-rep-${randomBytes(4).toString('hex')}`;
const EVENTS_INDEX_DAY = '2024.03.10';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Per copy of each shard of `index`: the node, its deleted documents, and whether it holds
 * `value` in `field`: for a keyword, whether its term dictionary lists it (deleted documents
 * included); for text, which has no such lookup, whether a live document matches the phrase
 * (its deleted documents then count on their own).
 */
async function copiesListing(es: Client, index: string, field: string, value: string) {
  const copies = await shardCopiesOf(es, index);
  const result: { node: string; primary: boolean; lists: boolean; deleted: number }[] = [];
  const stats = await es.indices.stats({ index, metric: 'docs', level: 'shards' });
  const statsCopies = Object.values(stats.indices?.[index]?.shards ?? {}).flat() as {
    routing?: { node?: string };
    docs?: { deleted?: number };
  }[];
  for (const copy of copies) {
    const text = field === 'payload.data';
    const found = await es.search({
      index,
      size: 0,
      preference: `_shards:${copy.shard}|_only_nodes:${copy.node}`,
      track_total_hits: true,
      ...(text
        ? { query: { match_phrase: { [field]: value } } }
        : { aggs: { v: { terms: { field, min_doc_count: 0, include: [value], size: 1 } } } }),
    });
    assert.equal(found._shards.successful, 1, `copy on ${copy.node} answered`);
    const total = found.hits.total;
    const buckets = text
      ? new Array<unknown>(typeof total === 'number' ? total : (total?.value ?? 0))
      : (found.aggregations?.v as { buckets: unknown[] }).buckets;
    const deleted =
      statsCopies.find((s) => s.routing?.node === copy.node)?.docs?.deleted ?? Number.NaN;
    result.push({ node: copy.node, primary: copy.primary, lists: buckets.length > 0, deleted });
  }
  return result;
}

describe('an erasure covers every shard copy (two Elasticsearch nodes, one replica)', () => {
  const shortfall = memoryShortfall(readFileSync('/proc/meminfo', 'utf8'), 2, HEAP);
  const prefix = `t-replicas-${Date.now().toString(36)}`;
  const names = indexNames(prefix);
  const eventsIndex = `${names.eventsPrefix}${EVENTS_INDEX_DAY}`;
  let root: string | undefined;
  let cluster: TwoNodeCluster | undefined;
  let es: Client | undefined;

  before(async () => {
    if (shortfall) return;
    root = mkdtempSync(path.join(os.tmpdir(), 'ariane-two-nodes-'));
    // Elasticsearch runs as its own user when the test runs as root: it must reach the folder.
    chmodSync(root, 0o755);
    const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
    cluster = twoNodeCluster({
      root,
      httpPorts: [ports[0]!, ports[1]!],
      transportPorts: [ports[2]!, ports[3]!],
      heap: HEAP,
      clusterName: `ariane-two-nodes-${randomBytes(3).toString('hex')}`,
    });
    const startedAt = Date.now();
    await cluster.start();
    console.log(`# two-node cluster ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    es = createElasticsearchClient({ ES_URL: cluster.endpoints[0] }, { requestTimeout: 60_000 });
    await waitFor(
      'two nodes in the cluster',
      async () => ((await es!.cluster.health({})).number_of_nodes === 2 ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  });
  after(async () => {
    await es?.close();
    await cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('the session’s value is gone from the primary and the replica, on both nodes', async (t) => {
    if (shortfall || !es) {
      t.skip(`this machine cannot hold two Elasticsearch nodes: ${shortfall}`);
      return;
    }
    await prepareAnonymisationIndices(es, names, prefix, 1);
    const target = personalEvent({ '@timestamp': '2024-03-10T10:00:00.000Z' });
    const operations = [];
    for (let i = 0; i < 20; i += 1) {
      const mine = i % 2 === 0;
      const event = {
        ...target,
        '@timestamp': new Date(Date.parse(target['@timestamp']) + i * 1000).toISOString(),
        event: { ...target.event, id: `evt-${i}` },
        ariane: { ...target.ariane, session_id: mine ? SESSION : `sess-other-${i}` },
      };
      operations.push({ index: { _index: eventsIndex, _id: `evt-${i}` } }, event);
    }
    await es.bulk({ operations, refresh: true });
    const letter: DeadLetterRecord = {
      code: 'ARIANE_EVENT_INVALID',
      reason: 'invalid_json',
      issues: [],
      tenant: TENANT,
      source: { topic: `${prefix}.gateway`, partition: 0, offset: '7' },
      payload: {
        encoding: 'utf8',
        data: `{"application_id":"${SESSION}","tenant_id":"${TENANT}",`,
        bytes: 60,
        truncated: false,
      },
      failed_at: new Date().toISOString(),
    };
    await es.index({ index: names.deadLetters, id: 'dl-1', document: letter, refresh: true });
    await es.cluster.health({ index: `${prefix}-*`, wait_for_status: 'green', timeout: '60s' });

    const before = await copiesListing(es, eventsIndex, 'ariane.session_id', SESSION);
    assert.equal(before.length, 2, 'one primary and one replica');
    assert.equal(new Set(before.map((c) => c.node)).size, 2, 'on two different nodes');
    assert.ok(
      before.every((c) => c.lists),
      'before the operation, both copies list the value',
    );

    const operation = await queueAnonymisation(es, names, {
      tenant: TENANT,
      requestedBy: 'officer-1',
      request: { selector: { type: 'session_id', value: SESSION }, reason: 'DPO ticket 15' },
    });
    const startedAt = Date.now();
    const [done] = await runQueuedOperations(anonymisationTestDeps(es, names), new Date());
    assert.equal(done?.operationId, operation.operationId);
    const requested = Date.parse(done.createdAt);
    const after = (at: string | undefined) => (at ? `${Date.parse(at) - requested} ms` : 'n/a');
    t.diagnostic(
      `operation took ${Date.now() - startedAt} ms; from the request: events on both copies ` +
        `${after(done.result?.erasure?.eventsOnDiskAt)}, dead letters on both copies ` +
        `${after(done.result?.erasure?.deadLettersAt)}, verified ${after(done.result?.erasure?.elasticsearchAt)}; ` +
        `load average ${os
          .loadavg()
          .map((load) => load.toFixed(2))
          .join(' ')}`,
    );
    assert.equal(done.status, 'done', JSON.stringify(done.result));
    assert.equal(done.result?.eventsAnonymised, 10);
    assert.equal(done.result?.verification?.copies?.deadLetters?.rewritten, 1);

    for (const [index, field] of [
      [eventsIndex, 'ariane.session_id'],
      [names.deadLetters, 'payload.data'],
    ] as const) {
      const after = await copiesListing(es, index, field, SESSION);
      assert.equal(new Set(after.map((c) => c.node)).size, 2, `${index}: copies on both nodes`);
      for (const copy of after) {
        assert.equal(copy.lists, false, `${index}: the copy on ${copy.node} still lists it`);
        assert.equal(copy.deleted, 0, `${index}: the copy on ${copy.node} holds deleted docs`);
      }
    }
  });
});
