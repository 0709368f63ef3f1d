import { parseArgs } from 'node:util';
import os from 'node:os';
import { ConnectionEnvSchema } from '../core/src/config/connections.js';
import { parseEnv } from '../core/src/config/parse-env.js';
import { createElasticsearchClient } from '../core/src/es/client.js';
import { createKafka } from '../core/src/kafka/client.js';
import type { ContenderName } from './ingest/contenders.js';
import { runIngestBench } from './ingest/bench.js';
import { preload } from './preload.js';
import { runQueryBench } from './query/bench.js';
import { runJobsBench } from './jobs/bench.js';

const USAGE = `Usage: tsx bench/run.ts <benchmark> [options]     (npm run bench:<benchmark> -- [options])

Benchmarks (not part of npm test; results go to BENCHMARKS.md by hand, with the machine):
  ingest    raw Elasticsearch _bulk ceiling: batch size x concurrency sweep over the documents
            ingest would store      --docs <n> (default 50000) --batches 1000,2000,5000
                                    --concurrency 1,2,4
  preload   write generated traffic straight into the daily indices, through ingest's
            normaliser, for query and jobs benchmarks
                                    --events <n> (default 200000) --days <d> (default 10)
                                    --prefix <index prefix> (default ARIANE_INDEX_PREFIX)
                                    --seed <s> --concurrency <n> (default 2)
  query     timeline latency under concurrency            (not implemented yet)
  jobs      retention and anonymisation timings           (not implemented yet)

Connection settings come from the usual env vars (ES_URL, KAFKA_BROKERS, ...).
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
      batches: { type: 'string' },
      concurrency: { type: 'string' },
      events: { type: 'string' },
      days: { type: 'string' },
      prefix: { type: 'string' },
      seed: { type: 'string' },
      contenders: { type: 'string' },
      'max-seconds': { type: 'string' },
      'latency-seconds': { type: 'string' },
      'cpu-prof': { type: 'string' },
      reuse: { type: 'string' },
      keep: { type: 'boolean' },
      connections: { type: 'string' },
      seconds: { type: 'string' },
      samples: { type: 'string' },
      'retention-events': { type: 'string' },
      'anonymise-events': { type: 'string' },
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
          contenders: (values.contenders ?? 'ariane,helper,naive').split(',') as ContenderName[],
          maxSeconds: Number(values['max-seconds'] ?? 120),
          latencySeconds: Number(values['latency-seconds'] ?? 30),
          ...(values['cpu-prof'] !== undefined && { cpuProfileDir: values['cpu-prof'] }),
        });
        console.log(JSON.stringify(summary));
        return 0;
      }
      case 'preload': {
        const result = await preload(es, {
          indexPrefix: values.prefix ?? env.ARIANE_INDEX_PREFIX,
          seed: values.seed ?? 'preload',
          events: Number(values.events ?? 200_000),
          days: Number(values.days ?? 10),
          concurrency: Number(values.concurrency ?? 3),
        });
        return result.failed > 0 ? 1 : 0;
      }
      case 'query': {
        console.log(`machine: ${machine()}`);
        const summary = await runQueryBench(es, env, {
          ...(values.reuse !== undefined && { reusePrefix: values.reuse }),
          keep: values.keep ?? false,
          events: Number(values.events ?? 1_000_000),
          days: Number(values.days ?? 10),
          seed: values.seed ?? 'preload',
          concurrency: Number(values.concurrency ?? 3),
          connections: Number(values.connections ?? 10),
          seconds: Number(values.seconds ?? 20),
          samples: Number(values.samples ?? 200),
        });
        console.log(JSON.stringify(summary));
        return 0;
      }
      case 'jobs': {
        console.log(`machine: ${machine()}`);
        const summary = await runJobsBench(es, {
          retentionEvents: Number(values['retention-events'] ?? 20_000),
          sessionBackground: Number(values.events ?? 100_000),
          bulkEvents: Number(values['anonymise-events'] ?? 100_000),
          concurrency: Number(values.concurrency ?? 3),
          seed: values.seed ?? 'jobs',
        });
        console.log(JSON.stringify(summary));
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
