import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { elasticsearchServer } from './elasticsearch.js';
import { stackLayout } from './layout.js';
import type { LocalServer } from './server.js';
import { loadStackConfig } from './stack-config.js';

/**
 * A cluster of two Elasticsearch nodes on 127.0.0.1, for the one integration test that proves an
 * erasure on every shard copy (`test/integration/jobs/replica-erasure.test.ts`): with one replica
 * per shard, each node holds a copy. It lives in its own folder and on its own ports, never the
 * local stack's, and is started and stopped by its user. Not part of `npm run stack:*`.
 */
export interface TwoNodeClusterOptions {
  /** Folder of the two nodes (`node-1/`, `node-2/`, each laid out like ARIANE_STACK_DIR). */
  readonly root: string;
  readonly httpPorts: readonly [number, number];
  readonly transportPorts: readonly [number, number];
  /** Heap of each node, e.g. `512m`. */
  readonly heap: string;
  readonly clusterName: string;
}

export interface TwoNodeCluster {
  readonly endpoints: readonly [string, string];
  readonly nodeNames: readonly [string, string];
  /** Resolves once both nodes answer and the cluster is at least yellow. */
  start(): Promise<void>;
  /** Stops both nodes; idempotent. */
  stop(): Promise<void>;
}

export function twoNodeCluster(
  options: TwoNodeClusterOptions,
  env: NodeJS.ProcessEnv = process.env,
): TwoNodeCluster {
  const nodeNames = ['node-1', 'node-2'] as const;
  const configs = nodeNames.map((name, i) =>
    loadStackConfig({
      ...env,
      ARIANE_STACK_DIR: path.join(options.root, name),
      ES_PORT: String(options.httpPorts[i]),
      ES_TRANSPORT_PORT: String(options.transportPorts[i]),
      ES_HEAP: options.heap,
    }),
  );
  const nodes: LocalServer[] = configs.map((config, i) =>
    elasticsearchServer(config, {
      clusterName: options.clusterName,
      nodeName: nodeNames[i] as string,
      seedTransportPorts: options.transportPorts,
      initialMasterNodes: nodeNames,
    }),
  );
  const [first, second] = nodes as [LocalServer, LocalServer];
  return {
    endpoints: [first.endpoint, second.endpoint],
    nodeNames,
    async start() {
      // One download and unpack; the second node copies the unpacked distribution.
      await first.fetch();
      const [one, two] = configs.map((config) => stackLayout(config).elasticsearch.distHome);
      if (one && two && !existsSync(two)) cpSync(one, two, { recursive: true });
      // Together: neither can elect a master, and so get ready, without the other.
      const started = await Promise.allSettled(nodes.map((node) => node.start()));
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) {
        await Promise.all(nodes.map((node) => node.stop()));
        throw failed.reason;
      }
    },
    async stop() {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}

const MIB = 1024 * 1024;
/** Beyond its heap, a node's JVM needs metaspace, thread stacks, direct buffers and Lucene's. */
const OFF_HEAP_PER_NODE = 512 * MIB;
/** Left for the test process itself and everything else on the machine. */
const MARGIN = 512 * MIB;

/** Bytes of a JVM heap size as -Xmx takes it (`512m`, `1g`). */
export function heapBytes(heap: string): number {
  const match = /^(\d+)([kmg])$/i.exec(heap);
  if (!match) throw new Error(`not a heap size: ${heap}`);
  const unit = { k: 1024, m: MIB, g: 1024 * MIB }[(match[2] as string).toLowerCase()] ?? 1;
  return Number(match[1]) * unit;
}

/**
 * Why this machine cannot hold `nodes` Elasticsearch nodes of `heap` each, from /proc/meminfo's
 * MemAvailable, or undefined when it can. Pure, so the rule is tested without a machine.
 */
export function memoryShortfall(meminfo: string, nodes: number, heap: string): string | undefined {
  const available = /^MemAvailable:\s+(\d+)\s+kB$/m.exec(meminfo);
  if (!available) return 'MemAvailable is not reported in /proc/meminfo';
  const have = Number(available[1]) * 1024;
  const need = nodes * (heapBytes(heap) + OFF_HEAP_PER_NODE) + MARGIN;
  if (have >= need) return undefined;
  return (
    `${nodes} Elasticsearch nodes of ${heap} heap need about ${Math.ceil(need / MIB)} MiB free, ` +
    `and only ${Math.floor(have / MIB)} MiB are available`
  );
}
