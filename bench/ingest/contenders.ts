import { readFileSync } from 'node:fs';
import type { Client } from '@elastic/elasticsearch';
import type { Consumer, Kafka } from 'kafkajs';
import { indexNames } from '../../core/src/es/index-names.js';
import { topicNames } from '../../core/src/kafka/topics.js';
import type { IndexableEvent } from '../../ingest/src/pipeline/normalised.js';
import { precedenceVersion } from '../../ingest/src/sink/bulk-writer.js';
import { normaliseForBench } from '../normalise.js';
import { SERVICES } from '../../scripts/services.js';
import { cpuProfileFlags, freePort, startServiceProcess } from '../service-process.js';

/**
 * The ingest contenders. Each consumes `<prefix>.gateway` and `<prefix>.services` from the
 * beginning and stores the same documents under `<prefix>-events-*`, through ingest's own
 * normaliser; only the Kafka → Elasticsearch plumbing differs. `start` resolves once the
 * consumer has joined its group, which is when the clock starts.
 */
export interface Contender {
  /** The process doing the contender's work, whose CPU time is measured. */
  readonly pid: number;
  stop(): Promise<void>;
  /** Peak resident set of the contender's process, when it runs in one of its own. */
  peakRssBytes?(): number;
}

export interface ContenderSetup {
  readonly kafka: Kafka;
  readonly es: Client;
  readonly prefix: string;
}

export type ContenderName = 'ariane' | 'ariane-plt' | 'baseline' | 'helper' | 'naive';

function eventsOf(
  setup: ContenderSetup,
  topic: string,
  partition: number,
  offset: string,
  value: Buffer | null,
) {
  const kind = topic === topicNames(setup.prefix).services ? 'services' : 'gateway';
  if (value === null) return [];
  return normaliseForBench({ topic: kind, value }, { topic, partition, offset }, Date.now());
}

async function subscribed(setup: ContenderSetup, consumer: Consumer): Promise<() => Promise<void>> {
  const topics = topicNames(setup.prefix);
  const joined = new Promise<void>((resolve) => {
    consumer.on(consumer.events.GROUP_JOIN, () => resolve());
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.gateway, topics.services], fromBeginning: true });
  return async () => {
    await joined;
  };
}

/** The obvious first attempt: kafkajs defaults, `eachMessage`, one `index` call per event. */
export async function startNaive(setup: ContenderSetup): Promise<Contender> {
  const names = indexNames(setup.prefix);
  const consumer = setup.kafka.consumer({ groupId: `${setup.prefix}-naive` });
  const waitJoined = await subscribed(setup, consumer);
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      for (const { doc, precedence } of eventsOf(
        setup,
        topic,
        partition,
        message.offset,
        message.value,
      )) {
        const target = {
          index: names.eventsIndexFor(new Date(doc['@timestamp'])),
          id: doc.event.id,
          document: doc,
          ...precedenceVersion(precedence),
        };
        await setup.es.index(target, { ignore: [409] });
      }
    },
  });
  await waitJoined();
  return { pid: process.pid, stop: () => consumer.disconnect() };
}

/**
 * The official bulk helper fed from `eachBatch`: one `helpers.bulk` per fetched batch, with the
 * helper's defaults (5 MB flushes, 5 requests in flight), offsets resolved by kafkajs after the
 * handler returns. Partitions are processed 4 at a time, like Ariane's default.
 */
export async function startHelper(setup: ContenderSetup): Promise<Contender> {
  const names = indexNames(setup.prefix);
  const consumer = setup.kafka.consumer({ groupId: `${setup.prefix}-helper` });
  const waitJoined = await subscribed(setup, consumer);
  await consumer.run({
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch }) => {
      const events: IndexableEvent[] = [];
      for (const message of batch.messages)
        events.push(
          ...eventsOf(setup, batch.topic, batch.partition, message.offset, message.value),
        );
      const precedences = new Map(events.map(({ doc, precedence }) => [doc, precedence]));
      let lost = 0;
      await setup.es.helpers.bulk({
        datasource: events.map(({ doc }) => doc),
        onDocument: (doc) => ({
          index: {
            _index: names.eventsIndexFor(new Date(doc['@timestamp'])),
            _id: doc.event.id,
            ...precedenceVersion(precedences.get(doc) ?? 'preferred'),
          },
        }),
        // A version conflict is a copy already stored, not a loss.
        onDrop: (dropped) => {
          if (dropped.status !== 409) lost += 1;
        },
      });
      if (lost > 0) throw new Error(`${lost} documents dropped by the bulk helper`);
    },
  });
  await waitJoined();
  return { pid: process.pid, stop: () => consumer.disconnect() };
}

/** Kilobytes of a /proc/<pid>/status field (VmHWM: peak resident set), 0 once it is gone. */
export function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

export interface ArianeOptions {
  readonly cpuProfileDir?: string;
  /** V8 old-space cap for the child (`--max-old-space-size`), to see RSS against throughput. */
  readonly heapMb?: number;
  /**
   * Another entry point run by plain node instead of the compiled `dist/ingest/src/main.js`
   * (built by the bench), e.g. a build of other code.
   */
  readonly entry?: string;
  /** Runs `ingest/src/main.ts` through tsx, as `npm run ingest` did before issue 16. */
  readonly tsx?: boolean;
  /** INGEST_KAFKA_CLIENT of the child: the Kafka client behind ingest's source seam. */
  readonly kafkaClient?: 'kafkajs' | 'platformatic';
  /**
   * Another checkout of Ariane (a worktree of an earlier commit, with node_modules), run as the
   * `baseline` contender beside this one: `ingest/src/main.ts` of that tree through tsx.
   */
  readonly baselineRoot?: string;
}

/**
 * Ariane's ingest as it runs in production: the compiled `dist/ingest/src/main.js` with the node
 * flags of scripts/services.ts, as `npm start`, `npm run ingest` and the Docker image run it, in
 * a child process of its own, configured by env only. Ready when /readyz says so. `root` runs
 * another checkout's `ingest/src/main.ts` through tsx instead (the baseline: how that commit
 * ran), from that checkout.
 */
export async function startAriane(
  setup: ContenderSetup,
  options: ArianeOptions = {},
  root?: string,
): Promise<Contender> {
  const port = await freePort();
  const throughTsx = root !== undefined || options.tsx === true;
  const { compiled, source, nodeFlags } = SERVICES.ingest;
  const args: string[] = throughTsx
    ? ['--import', 'tsx']
    : options.heapMb !== undefined
      ? nodeFlags.filter((flag) => !flag.startsWith('--max-old-space-size'))
      : [...nodeFlags];
  if (options.heapMb) args.push(`--max-old-space-size=${options.heapMb}`);
  const service = await startServiceProcess(
    [
      ...args,
      ...cpuProfileFlags(options.cpuProfileDir),
      throughTsx ? source : (options.entry ?? compiled),
    ],
    {
      ARIANE_TOPIC_PREFIX: setup.prefix,
      ARIANE_INDEX_PREFIX: setup.prefix,
      INGEST_GROUP_ID: `${setup.prefix}-ariane`,
      INGEST_OPS_HOST: '127.0.0.1',
      INGEST_OPS_PORT: String(port),
      // Ingest alone is measured: no deny list to refresh.
      ANONYMISATION_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      INGEST_KAFKA_CLIENT: options.kafkaClient ?? 'kafkajs',
    },
    `http://127.0.0.1:${port}/readyz`,
    ...(root === undefined ? [] : [root]),
  );
  let peakKb = procStatusKb(service.pid, 'VmHWM');
  const sampler = setInterval(() => {
    peakKb = Math.max(peakKb, procStatusKb(service.pid, 'VmHWM'));
  }, 500);
  return {
    pid: service.pid,
    stop: async () => {
      peakKb = Math.max(peakKb, procStatusKb(service.pid, 'VmHWM'));
      clearInterval(sampler);
      await service.stop();
    },
    peakRssBytes: () => peakKb * 1024,
  };
}

export const CONTENDERS: Record<
  ContenderName,
  (setup: ContenderSetup, options: ArianeOptions) => Promise<Contender>
> = {
  ariane: (setup, options) => startAriane(setup, options),
  'ariane-plt': (setup, options) => startAriane(setup, { ...options, kafkaClient: 'platformatic' }),
  baseline: (setup, options) => {
    if (options.baselineRoot === undefined)
      throw new Error('the baseline contender needs --baseline <checkout>');
    return startAriane(setup, {}, options.baselineRoot);
  },
  helper: startHelper,
  naive: startNaive,
};
