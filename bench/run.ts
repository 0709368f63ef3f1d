import { parseArgs } from 'node:util';
import os from 'node:os';
import { ConnectionEnvSchema } from '../core/src/config/connections.js';
import { parseEnv } from '../core/src/config/parse-env.js';
import { createElasticsearchClient } from '../core/src/es/client.js';
import { createKafka } from '../core/src/kafka/client.js';
import type { ContenderName } from './ingest/contenders.js';
import { runIngestBench } from './ingest/bench.js';
import { runMicroBench } from './ingest/micro.js';
import { deleteIndexPrefix } from './cleanup.js';
import { preload } from './preload.js';
import { runQueryBench } from './query/bench.js';
import { runJobsBench } from './jobs/bench.js';
import { DEFAULT_SOAK_RECORDS_PER_SECOND, runSoak } from './soak.js';
import { median } from './stats.js';

const USAGE = `Usage: tsx bench/run.ts <benchmark> [options]     (npm run bench:<benchmark> -- [options])

Benchmarks (not part of npm test). Each prints a table and one JSON line; figures go to
BENCHMARKS.md by hand, with the machine and its load average.
  ingest    events/s from a Kafka backlog until searchable: raw _bulk sweep (warm-up, picks the
            best setting), then that ceiling before and after the contenders (ratios against the
            higher); contenders in alternating order over --rounds, median and spread, CPU s per
            100k docs of the contender's process and of Elasticsearch (/proc), peak RSS; targets
            judged on the median only. Contenders: ariane (child process), baseline (another
            checkout's ingest, --baseline), helper (helpers.bulk from eachBatch), naive
            (eachMessage + index); then Ariane's produced -> searchable latency at half its rate
              --docs <n> (100000)  --batches 1000,5000  --concurrency 1,2  --seed <s>
              --contenders ariane,helper  --rounds <n> (3)  --baseline <checkout dir>
              --max-seconds <s> (120, per contender and round)
              --latency-seconds <s> (30; 0 skips)  --cpu-prof <dir>  --ingest-heap-mb <n>
              --ingest-entry <main.js> (default: dist/ingest/src/main.js, built first, with the
              node flags of scripts/services.ts)  --ingest-tsx (ingest/src/main.ts via tsx)
  micro     ingest's CPU per document without servers: generated records through processBatch
            as ingest runs it, the _bulk body serialised by the real client, Elasticsearch's
            answer faked; CPU µs and bytes allocated per document, GC count and time, per round
              --records <n> (20000)  --rounds <n> (5, after one warm-up)  --seed <s>
              --envelope-share <0..1> (0.3; 0 as the ingest bench's backlog)
            node --cpu-prof --import tsx bench/run.ts micro   profiles it
  preload   stamp a data set into the daily indices (pool normalised by ingest's normaliser)
              --events <n> (200000)  --days <d> (10)  --prefix <p> (ARIANE_INDEX_PREFIX)
              --seed <s> (preload)  --concurrency <n> (3 bulks in flight)
              --max-seconds <s> (stop loading then: the data set is what fitted)
  query     request and session timeline latency, query API process vs raw Elasticsearch,
            autocannon with a JWT
              --events <n> (1000000)  --days <d> (10)  --reuse <prefix> (data preloaded with
              the same --seed/--events/--days)  --keep  --connections 1,10
              --seconds <s> (20 per run)  --samples <n> (200 ids)  --concurrency <n> (3)
              --max-seconds <s> (preload deadline)
  jobs      retention at 1x and 10x, anonymising a session spread over 10 days, anonymising
            every event of one client id
              --retention-events <n> (50000)  --events <n> (200000 session background)
              --anonymise-events <n> (300000 stored, ~22% carry the client id)  --concurrency <n> (3)

  soak      ingest, query API and jobs in their own processes for --minutes under steady traffic at
            half the measured ingest maximum, with timeline queries, anonymisation requests and
            jobs every minute or two; RSS, consumer lag, errors sampled every 10 s; then, without
            traffic, waits for the requested anonymisations to end and reports each one
              --minutes <m> (20)  --rate <records/s> (${DEFAULT_SOAK_RECORDS_PER_SECOND})  --qps <n> (5)
              --anonymise-every <minutes> (3)  --drain-minutes <m> (5)  --seed <s> (soak)
              --cpu-prof <dir> (each service writes a CPU profile there as it exits)

  cleanup   delete a kept data set: every index and the template under --prefix <p>

Connection settings come from the usual env vars (ES_URL, KAFKA_BROKERS, ...). Every index and
topic a run creates is under a fresh bench-<time>-... prefix and deleted at the end.
`;

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

const list = (value: string | undefined, fallback: number[]) =>
  value === undefined ? fallback : value.split(',').map(Number);

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      docs: { type: 'string' },
      records: { type: 'string' },
      'envelope-share': { type: 'string' },
      batches: { type: 'string' },
      concurrency: { type: 'string' },
      events: { type: 'string' },
      days: { type: 'string' },
      prefix: { type: 'string' },
      seed: { type: 'string' },
      contenders: { type: 'string' },
      rounds: { type: 'string' },
      baseline: { type: 'string' },
      'max-seconds': { type: 'string' },
      'latency-seconds': { type: 'string' },
      'cpu-prof': { type: 'string' },
      'ingest-heap-mb': { type: 'string' },
      'ingest-entry': { type: 'string' },
      'ingest-tsx': { type: 'boolean' },
      reuse: { type: 'string' },
      keep: { type: 'boolean' },
      connections: { type: 'string' },
      seconds: { type: 'string' },
      samples: { type: 'string' },
      'retention-events': { type: 'string' },
      'anonymise-events': { type: 'string' },
      minutes: { type: 'string' },
      rate: { type: 'string' },
      qps: { type: 'string' },
      'anonymise-every': { type: 'string' },
      'drain-minutes': { type: 'string' },
    },
  });
  const env = parseEnv(ConnectionEnvSchema, process.env);
  const es = createElasticsearchClient(env, { requestTimeout: 120_000 });
  try {
    switch (name) {
      case 'ingest': {
        console.log(`machine: ${machine()}`);
        const kafka = createKafka(env);
        const summary = await runIngestBench(es, kafka, {
          docs: Number(values.docs ?? 100_000),
          seed: values.seed ?? 'bench',
          batches: list(values.batches, [1_000, 5_000]),
          concurrency: list(values.concurrency, [1, 2]),
          contenders: (values.contenders ?? 'ariane,helper').split(',') as ContenderName[],
          rounds: Number(values.rounds ?? 3),
          maxSeconds: Number(values['max-seconds'] ?? 120),
          latencySeconds: Number(values['latency-seconds'] ?? 30),
          ariane: {
            ...(values['cpu-prof'] !== undefined && { cpuProfileDir: values['cpu-prof'] }),
            ...(values.baseline !== undefined && { baselineRoot: values.baseline }),
            ...(values['ingest-entry'] !== undefined && { entry: values['ingest-entry'] }),
            ...(values['ingest-tsx'] === true && { tsx: true }),
            ...(values['ingest-heap-mb'] !== undefined && {
              heapMb: Number(values['ingest-heap-mb']),
            }),
          },
        });
        console.log(JSON.stringify(summary));
        return 0;
      }
      case 'micro': {
        console.log(
          `machine: ${machine()}, load average ${os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}`,
        );
        const rounds = await runMicroBench({
          records: Number(values.records ?? 20_000),
          rounds: Number(values.rounds ?? 5),
          seed: values.seed ?? 'micro',
          envelopeShare: Number(values['envelope-share'] ?? 0.3),
        });
        console.table(
          rounds.map((round) => ({
            docs: round.docs,
            'CPU µs/doc': round.cpuMicrosPerDoc.toFixed(1),
            'KB allocated/doc': (round.allocatedBytesPerDoc / 1024).toFixed(1),
            GCs: round.gcCount,
            'GC ms': round.gcMs.toFixed(0),
          })),
        );
        console.log(
          JSON.stringify({
            benchmark: 'micro',
            loadAverage: os.loadavg(),
            cpuMicrosPerDoc: median(rounds.map((round) => round.cpuMicrosPerDoc)),
            allocatedBytesPerDoc: median(rounds.map((round) => round.allocatedBytesPerDoc)),
            rounds,
          }),
        );
        return 0;
      }
      case 'preload': {
        const result = await preload(es, {
          indexPrefix: values.prefix ?? env.ARIANE_INDEX_PREFIX,
          seed: values.seed ?? 'preload',
          events: Number(values.events ?? 200_000),
          days: Number(values.days ?? 10),
          concurrency: Number(values.concurrency ?? 3),
          ...(values['max-seconds'] !== undefined && { maxSeconds: Number(values['max-seconds']) }),
        });
        return result.failed > 0 ? 1 : 0;
      }
      case 'query': {
        console.log(`machine: ${machine()}`);
        const summary = await runQueryBench(es, env, {
          ...(values.reuse !== undefined && { reusePrefix: values.reuse }),
          keep: values.keep ?? false,
          ...(values['max-seconds'] !== undefined && {
            preloadSeconds: Number(values['max-seconds']),
          }),
          events: Number(values.events ?? 1_000_000),
          days: Number(values.days ?? 10),
          seed: values.seed ?? 'preload',
          concurrency: Number(values.concurrency ?? 3),
          connections: list(values.connections, [1, 10]),
          seconds: Number(values.seconds ?? 20),
          samples: Number(values.samples ?? 200),
        });
        console.log(JSON.stringify(summary));
        return 0;
      }
      case 'jobs': {
        console.log(`machine: ${machine()}`);
        const summary = await runJobsBench(es, {
          retentionEvents: Number(values['retention-events'] ?? 50_000),
          sessionBackground: Number(values.events ?? 200_000),
          bulkEvents: Number(values['anonymise-events'] ?? 300_000),
          concurrency: Number(values.concurrency ?? 3),
          seed: values.seed ?? 'jobs',
        });
        console.log(JSON.stringify(summary));
        return 0;
      }
      case 'soak': {
        console.log(`machine: ${machine()}`);
        const summary = await runSoak(es, createKafka(env), {
          minutes: Number(values.minutes ?? 20),
          recordsPerSecond: Number(values.rate ?? DEFAULT_SOAK_RECORDS_PER_SECOND),
          queriesPerSecond: Number(values.qps ?? 5),
          anonymiseEveryMinutes: Number(values['anonymise-every'] ?? 3),
          drainMinutes: Number(values['drain-minutes'] ?? 5),
          seed: values.seed ?? 'soak',
          ...(values['cpu-prof'] !== undefined && { cpuProfileDir: values['cpu-prof'] }),
        });
        console.log(JSON.stringify(summary));
        return 0;
      }
      case 'cleanup': {
        if (values.prefix === undefined) throw new Error('cleanup needs --prefix');
        await deleteIndexPrefix(es, values.prefix);
        console.log(`deleted every index and the template under ${values.prefix}-`);
        return 0;
      }
      default:
        console.log(USAGE);
        return name === undefined || name === '--help' ? 0 : 2;
    }
  } finally {
    await es.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
