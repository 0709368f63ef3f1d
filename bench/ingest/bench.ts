import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Client } from '@elastic/elasticsearch';
import type { Kafka, Producer } from 'kafkajs';
import { indexNames } from '../../core/src/es/index-names.js';
import { buildServices } from '../../scripts/build.js';
import { installEventsTemplate } from '../../core/src/es/setup.js';
import { createProducer } from '../../core/src/kafka/client.js';
import { ensureTopics } from '../../core/src/kafka/setup.js';
import { topicNames, type TopicNames } from '../../core/src/kafka/topics.js';
import { deleteIndexPrefix, deleteTopicPrefix } from '../cleanup.js';
import { median, percentile, round, table } from '../stats.js';
import { cpuMeter, localElasticsearchPid } from './cpu.js';
import {
  checkAtMost,
  checkRatio,
  cpuPer100k,
  referenceCeiling,
  roundOrder,
  summarise,
  type Spread,
} from './verdict.js';
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
  /** Each contender runs this many times, in alternating order. */
  readonly rounds: number;
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
  readonly round: number;
  readonly docs: number;
  readonly seconds: number;
  readonly docsPerSecond: number;
  readonly complete: boolean;
  /** CPU seconds of the contender's process and of Elasticsearch over the timed run. */
  readonly cpuSeconds: number;
  readonly esCpuSeconds: number;
  readonly peakRssBytes?: number;
}

/** Issue 16's targets: Ariane against the warm ceiling and against the official helper. */
const TARGET_CEILING_RATIO = 0.9;
const TARGET_HELPER_RATIO = 1.1;
const TARGET_RSS_MB = 256;
const MB = 2 ** 20;

/**
 * The ingest benchmark. The raw `_bulk` sweep first warms Elasticsearch and picks the best
 * setting; that setting is measured again right before the contenders and right after them
 * (A B A), and ratios are quoted against the higher of the two. Contenders then run `rounds`
 * times in alternating order, each from its own fresh backlog of the same records (own topics,
 * group and index prefix), timed from the group join to the last document being searchable,
 * with the CPU time of its process and of Elasticsearch read from /proc. Each is summarised by
 * its median and spread, and a target is "met" only on the median (bench/ingest/verdict.ts).
 * Then Ariane's produced → searchable latency at half its rate. Everything it creates is
 * deleted at the end.
 */
export async function runIngestBench(
  es: Client,
  kafka: Kafka,
  options: IngestBenchOptions,
): Promise<Record<string, unknown>> {
  const run = `bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  if (
    options.contenders.some((name) => name.startsWith('ariane')) &&
    options.ariane.entry === undefined &&
    options.ariane.tsx !== true
  ) {
    console.log('building the services into dist/ (npm run build), as npm start does');
    await buildServices();
  }
  const backlog = buildBacklog(options.docs, options.seed, Date.now());
  const expected = backlog.docs.length;
  const esPid = await localElasticsearchPid(es).catch(() => undefined);
  console.log(
    `backlog: ${backlog.records.length} Kafka records -> ${expected} distinct documents (run ${run}); ` +
      (esPid === undefined
        ? 'Elasticsearch is not local: its CPU is not measured'
        : `Elasticsearch pid ${esPid}`),
  );

  // The sweep is also the warm-up: the ceilings that count come after it.
  const sweep: CeilingRun[] = [];
  for (const batch of options.batches)
    for (const concurrency of options.concurrency) {
      const ceiling = await runCeiling(es, backlog.docs, `${run}-raw`, batch, concurrency);
      sweep.push(ceiling);
      console.log(
        `raw _bulk ${batch} docs x ${concurrency} (sweep): ${round(ceiling.docsPerSecond)} docs/s`,
      );
    }
  const best = sweep.reduce((a, b) => (b.docsPerSecond > a.docsPerSecond ? b : a));
  const measureCeiling = async (when: 'before' | 'after') => {
    const meter = cpuMeter(esPid);
    meter.start();
    const ceiling = await runCeiling(
      es,
      backlog.docs,
      `${run}-raw`,
      best.batchDocs,
      best.concurrency,
    );
    const esCpu = meter.seconds();
    console.log(
      `raw _bulk ${best.batchDocs} docs x ${best.concurrency} (${when}): ${round(ceiling.docsPerSecond)} docs/s, Elasticsearch ${round(cpuPer100k(esCpu, ceiling.docs), 1)} CPU s / 100k docs`,
    );
    return { ...ceiling, esCpuSeconds: esCpu };
  };
  const before = await measureCeiling('before');

  const runs: ContenderRun[] = [];
  let latency: LatencySummary | undefined;
  for (let r = 0; r < options.rounds; r += 1) {
    for (const name of roundOrder(options.contenders, r)) {
      const prefix = `${run}-${name}-${r}`;
      const topics = topicNames(prefix);
      // One producer per contender, gone before its topics are: a kafkajs producer keeps
      // refreshing metadata for every topic it wrote to and fails once one is deleted.
      const producer = createProducer(kafka);
      await producer.connect();
      try {
        await ensureTopics(kafka, topics, {
          partitions: 6,
          replicationFactor: 1,
          retentionDays: 1,
        });
        await installEventsTemplate(es, indexNames(prefix), prefix, 0);
        await produceBacklog(producer, topics, backlog.records);
        const measured = await measureContender(
          name,
          r,
          { kafka, es, prefix },
          expected,
          { ...options, latencySeconds: latency === undefined ? options.latencySeconds : 0 },
          { producer, topics, esPid },
        );
        runs.push(measured.run);
        latency ??= measured.latency;
      } finally {
        await producer.disconnect();
        await deleteIndexPrefix(es, prefix);
        await deleteTopicPrefix(kafka, prefix);
      }
    }
  }
  const after = await measureCeiling('after');
  const ceiling = referenceCeiling(before.docsPerSecond, after.docsPerSecond);

  const byName = new Map<ContenderName, ContenderRun[]>();
  for (const r of runs) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const summaries = [...byName].map(([name, rounds]) => ({
    name,
    rounds,
    docsPerSecond: summarise(rounds.map((r) => r.docsPerSecond)),
    cpuPer100k: summarise(rounds.map((r) => cpuPer100k(r.cpuSeconds, r.docs))),
    esCpuPer100k: summarise(rounds.map((r) => cpuPer100k(r.esCpuSeconds, r.docs))),
    peakRssMb: summarise(rounds.map((r) => (r.peakRssBytes ?? Number.NaN) / MB)),
  }));

  const loadAverage = os.loadavg().map((l) => round(l, 2));
  console.log(`\nmachine: ${os.cpus().length} cores, load average ${loadAverage.join(' ')}`);
  const figure = (s: Spread, digits = 0) =>
    s.n === 0
      ? '-'
      : s.n === 1
        ? String(round(s.median, digits))
        : `${round(s.median, digits)} (${round(s.min, digits)}–${round(s.max, digits)})`;
  const ceilingLabel = `raw _bulk ${best.batchDocs}x${best.concurrency}`;
  console.log(
    table(
      [
        'contender',
        'rounds',
        'docs/s median (min–max)',
        'spread',
        'ratio to ceiling',
        'CPU s/100k ingest',
        'CPU s/100k ES',
        'peak RSS MB',
      ],
      [
        ...[before, after].map((c, i) => [
          `${ceilingLabel} ${i === 0 ? 'before' : 'after'}`,
          1,
          round(c.docsPerSecond),
          '-',
          round(c.docsPerSecond / ceiling, 2),
          '-',
          round(cpuPer100k(c.esCpuSeconds, c.docs), 1),
          '-',
        ]),
        ...summaries.map((s) => [
          s.rounds.every((r) => r.complete) ? s.name : `${s.name} (cut)`,
          s.rounds.length,
          figure(s.docsPerSecond),
          `${round(s.docsPerSecond.spread * 100)} %`,
          round(s.docsPerSecond.median / ceiling, 2),
          figure(s.cpuPer100k, 1),
          figure(s.esCpuPer100k, 1),
          figure(s.peakRssMb),
        ]),
      ],
    ),
  );
  const figures = (name: ContenderName) =>
    (byName.get(name) ?? []).map((r) => ({
      docsPerSecond: r.docsPerSecond,
      complete: r.complete,
    }));
  const helperMedian = median(figures('helper').map((f) => f.docsPerSecond));
  const checks = [
    checkRatio('ariane / warm ceiling', figures('ariane'), ceiling, TARGET_CEILING_RATIO),
    checkRatio('ariane / helper', figures('ariane'), helperMedian, TARGET_HELPER_RATIO),
    checkAtMost(
      'ariane peak RSS MB',
      (byName.get('ariane') ?? []).map((r) => (r.peakRssBytes ?? Number.NaN) / MB),
      TARGET_RSS_MB,
    ),
  ];
  const baselineMedian = median(figures('baseline').map((f) => f.docsPerSecond));
  console.log('');
  for (const check of checks)
    console.log(
      `target ${check.target} ${check.comparison} ${check.bound}: ${check.verdict} (${check.reason})`,
    );
  if (Number.isFinite(baselineMedian))
    console.log(
      `ariane / baseline on the medians: ${round(median(figures('ariane').map((f) => f.docsPerSecond)) / baselineMedian, 2)}`,
    );
  if (latency)
    console.log(
      `\nAriane produced -> searchable at ${latency.docsPerSecond} docs/s: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms (${latency.samples} samples, ${latency.lost} lost)`,
    );
  const spreadJson = (s: Spread, digits = 0) => ({
    median: round(s.median, digits),
    min: round(s.min, digits),
    max: round(s.max, digits),
    spread: round(s.spread, 3),
  });
  return {
    benchmark: 'ingest',
    records: backlog.records.length,
    docs: expected,
    rounds: options.rounds,
    loadAverage,
    ceiling: {
      batchDocs: best.batchDocs,
      concurrency: best.concurrency,
      before: round(before.docsPerSecond),
      after: round(after.docsPerSecond),
      reference: round(ceiling),
      esCpuPer100k: round(cpuPer100k(after.esCpuSeconds, after.docs), 2),
      sweep: Object.fromEntries(
        sweep.map((c) => [`bulk_${c.batchDocs}x${c.concurrency}`, round(c.docsPerSecond)]),
      ),
    },
    contenders: Object.fromEntries(
      summaries.map((s) => [
        s.name,
        {
          docsPerSecond: spreadJson(s.docsPerSecond),
          cpuPer100k: spreadJson(s.cpuPer100k, 2),
          esCpuPer100k: spreadJson(s.esCpuPer100k, 2),
          ...(s.peakRssMb.n > 0 && { peakRssMb: spreadJson(s.peakRssMb) }),
          complete: s.rounds.every((r) => r.complete),
          rounds: s.rounds.map((r) => round(r.docsPerSecond)),
        },
      ]),
    ),
    ratios: Object.fromEntries([
      ...summaries.map((s) => [`${s.name}_to_ceiling`, round(s.docsPerSecond.median / ceiling, 3)]),
      ...(Number.isFinite(helperMedian)
        ? summaries
            .filter((s) => s.name !== 'helper')
            .map((s) => [`${s.name}_to_helper`, round(s.docsPerSecond.median / helperMedian, 3)])
        : []),
      ...(Number.isFinite(baselineMedian)
        ? [
            [
              'ariane_to_baseline',
              round(median(figures('ariane').map((f) => f.docsPerSecond)) / baselineMedian, 3),
            ],
          ]
        : []),
    ]),
    latency,
    targets: Object.fromEntries(
      checks.map((c) => [
        c.target,
        { verdict: c.verdict, ratio: round(c.ratio, 3), reason: c.reason },
      ]),
    ),
  };
}

/**
 * Starts one contender on its backlog and times it until everything is searchable; for Ariane,
 * then measures latency at half the rate it reached, while it still runs.
 */
async function measureContender(
  name: ContenderName,
  roundIndex: number,
  setup: ContenderSetup,
  expected: number,
  options: IngestBenchOptions,
  target: { producer: Producer; topics: TopicNames; esPid: number | undefined },
): Promise<{ run: ContenderRun; latency?: LatencySummary }> {
  const contender = await CONTENDERS[name](setup, options.ariane);
  const cpu = cpuMeter(contender.pid);
  const esCpu = cpuMeter(target.esPid);
  cpu.start();
  esCpu.start();
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
      round: roundIndex,
      docs: visible.count,
      seconds: visible.seconds,
      docsPerSecond: visible.count / visible.seconds,
      complete: visible.complete,
      cpuSeconds: cpu.seconds(),
      esCpuSeconds: esCpu.seconds(),
    };
    console.log(
      `round ${roundIndex + 1} ${name}: ${visible.count}/${expected} documents searchable in ${round(visible.seconds, 1)} s (${round(run.docsPerSecond)} docs/s), CPU s / 100k docs: ${round(cpuPer100k(run.cpuSeconds, run.docs), 1)} contender, ${round(cpuPer100k(run.esCpuSeconds, run.docs), 1)} Elasticsearch${visible.complete ? '' : ' [cut]'}`,
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
