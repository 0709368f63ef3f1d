import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Client } from '@elastic/elasticsearch';
import type { Kafka, Producer } from 'kafkajs';
import { indexNames } from '../../core/src/es/index-names.js';
import { installEventsTemplate } from '../../core/src/es/setup.js';
import { createProducer } from '../../core/src/kafka/client.js';
import { ensureTopics } from '../../core/src/kafka/setup.js';
import { topicNames, type TopicNames } from '../../core/src/kafka/topics.js';
import { deleteIndexPrefix, deleteTopicPrefix } from '../cleanup.js';
import { percentile, round, table } from '../stats.js';
import { buildBacklog, produceBacklog } from './backlog.js';
import { runCeiling, type CeilingRun } from './ceiling.js';
import {
  CONTENDERS,
  type ArianeOptions,
  type ContenderName,
  type ContenderSetup,
} from './contenders.js';
import { measureLatency } from './latency.js';
import { waitUntilSearchable } from './visibility.js';

export interface IngestBenchOptions {
  readonly docs: number;
  readonly seed: string;
  readonly batches: readonly number[];
  readonly concurrency: readonly number[];
  readonly contenders: readonly ContenderName[];
  /** A contender still running after this long is stopped and measured on what it stored. */
  readonly maxSeconds: number;
  readonly latencySeconds: number;
  readonly ariane: ArianeOptions;
}

interface LatencySummary {
  readonly docsPerSecond: number;
  readonly samples: number;
  readonly lost: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

interface ContenderRun {
  readonly name: ContenderName;
  readonly docs: number;
  readonly seconds: number;
  readonly docsPerSecond: number;
  readonly complete: boolean;
  readonly peakRssBytes?: number;
}

const TARGET_RATIO = 0.9;
const TARGET_RSS_BYTES = 256 * 2 ** 20;
const MB = 2 ** 20;

/**
 * The ingest benchmark: the raw `_bulk` ceiling sweep, then each contender from its own fresh
 * backlog of the same records (own topics, group and index prefix), timed from the group join
 * to the last document being searchable; then Ariane's produced → searchable latency at half
 * the rate it reached. Everything it creates is deleted at the end.
 */
export async function runIngestBench(
  es: Client,
  kafka: Kafka,
  options: IngestBenchOptions,
): Promise<Record<string, unknown>> {
  const run = `bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const backlog = buildBacklog(options.docs, options.seed, Date.now());
  const expected = backlog.docs.length;
  console.log(
    `backlog: ${backlog.records.length} Kafka records -> ${expected} distinct documents (run ${run})`,
  );

  const ceilings: CeilingRun[] = [];
  for (const batch of options.batches)
    for (const concurrency of options.concurrency) {
      const ceiling = await runCeiling(es, backlog.docs, `${run}-raw`, batch, concurrency);
      ceilings.push(ceiling);
      console.log(
        `raw _bulk ${batch} docs x ${concurrency}: ${round(ceiling.docsPerSecond)} docs/s`,
      );
    }
  const best = ceilings.reduce((a, b) => (b.docsPerSecond > a.docsPerSecond ? b : a));

  const runs: ContenderRun[] = [];
  let latency: LatencySummary | undefined;
  for (const name of options.contenders) {
    const prefix = `${run}-${name}`;
    const topics = topicNames(prefix);
    // One producer per contender, gone before its topics are: a kafkajs producer keeps
    // refreshing metadata for every topic it wrote to and fails once one is deleted.
    const producer = createProducer(kafka);
    await producer.connect();
    try {
      await ensureTopics(kafka, topics, { partitions: 6, replicationFactor: 1, retentionDays: 1 });
      await installEventsTemplate(es, indexNames(prefix), prefix, 0);
      await produceBacklog(producer, topics, backlog.records);
      const measured = await measureContender(name, { kafka, es, prefix }, expected, options, {
        producer,
        topics,
      });
      runs.push(measured.run);
      latency ??= measured.latency;
    } finally {
      await producer.disconnect();
      await deleteIndexPrefix(es, prefix);
      await deleteTopicPrefix(kafka, prefix);
    }
  }

  console.log(
    `\nmachine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    table(
      ['contender', 'docs', 'seconds', 'docs/s', 'ratio to raw', 'peak RSS MB'],
      [
        [
          `raw _bulk ${best.batchDocs}x${best.concurrency}`,
          best.docs,
          round(best.seconds, 1),
          round(best.docsPerSecond),
          1,
          '-',
        ],
        ...runs.map((r) => [
          r.complete ? r.name : `${r.name} (cut)`,
          r.docs,
          round(r.seconds, 1),
          round(r.docsPerSecond),
          round(r.docsPerSecond / best.docsPerSecond, 2),
          r.peakRssBytes === undefined ? '-' : round(r.peakRssBytes / MB),
        ]),
      ],
    ),
  );
  const ariane = runs.find((r) => r.name === 'ariane');
  if (latency)
    console.log(
      `\nAriane produced -> searchable at ${latency.docsPerSecond} docs/s: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms (${latency.samples} samples, ${latency.lost} lost)`,
    );
  const ratio = ariane && ariane.docsPerSecond / best.docsPerSecond;
  return {
    benchmark: 'ingest',
    records: backlog.records.length,
    docs: expected,
    loadAverage: os.loadavg().map((l) => round(l, 2)),
    ceiling: {
      batchDocs: best.batchDocs,
      concurrency: best.concurrency,
      docsPerSecond: round(best.docsPerSecond),
      sweep: Object.fromEntries(
        ceilings.map((c) => [`bulk_${c.batchDocs}x${c.concurrency}`, round(c.docsPerSecond)]),
      ),
    },
    contenders: Object.fromEntries(
      runs.map((r) => [
        r.name,
        {
          docsPerSecond: round(r.docsPerSecond),
          complete: r.complete,
          ...(r.peakRssBytes !== undefined && { peakRssMb: round(r.peakRssBytes / MB) }),
        },
      ]),
    ),
    ratios: Object.fromEntries(
      runs.map((r) => [`${r.name}_to_raw`, round(r.docsPerSecond / best.docsPerSecond, 3)]),
    ),
    latency: latency,
    targets: {
      ratioAtLeast90: ratio === undefined ? null : ratio >= TARGET_RATIO,
      rssAtMost256Mb:
        ariane?.peakRssBytes === undefined ? null : ariane.peakRssBytes <= TARGET_RSS_BYTES,
    },
  };
}

/**
 * Starts one contender on its backlog and times it until everything is searchable; for Ariane,
 * then measures latency at half the rate it reached, while it still runs.
 */
async function measureContender(
  name: ContenderName,
  setup: ContenderSetup,
  expected: number,
  options: IngestBenchOptions,
  target: { producer: Producer; topics: TopicNames },
): Promise<{ run: ContenderRun; latency?: LatencySummary }> {
  const contender = await CONTENDERS[name](setup, options.ariane);
  const start = process.hrtime.bigint();
  let run: ContenderRun;
  let latency: LatencySummary | undefined;
  try {
    const visible = await waitUntilSearchable(setup.es, setup.prefix, expected, start, {
      maxSeconds: options.maxSeconds,
      stallSeconds: 60,
    });
    run = {
      name,
      docs: visible.count,
      seconds: visible.seconds,
      docsPerSecond: visible.count / visible.seconds,
      complete: visible.complete,
    };
    console.log(
      `${name}: ${visible.count}/${expected} documents searchable in ${round(visible.seconds, 1)} s (${round(run.docsPerSecond)} docs/s)${visible.complete ? '' : ' [cut]'}`,
    );
    if (name === 'ariane' && options.latencySeconds > 0) {
      const docsPerSecond = run.docsPerSecond / 2;
      const measured = await measureLatency(
        setup.es,
        target.producer,
        target.topics,
        setup.prefix,
        { docsPerSecond, seconds: options.latencySeconds, seed: `${options.seed}-latency` },
      );
      latency = {
        docsPerSecond: round(docsPerSecond),
        samples: measured.latencies.length,
        lost: measured.lost,
        p50Ms: percentile(measured.latencies, 50),
        p99Ms: percentile(measured.latencies, 99),
      };
    }
  } finally {
    await contender.stop();
  }
  const peak = contender.peakRssBytes?.();
  return {
    run: peak === undefined ? run : { ...run, peakRssBytes: peak },
    ...(latency && { latency }),
  };
}
