import { parseArgs } from 'node:util';
import os from 'node:os';
import { ConnectionEnvSchema } from '../core/src/config/connections.js';
import { parseEnv } from '../core/src/config/parse-env.js';
import { createElasticsearchClient } from '../core/src/es/client.js';
import { installEventsTemplate } from '../core/src/es/setup.js';
import { indexNames } from '../core/src/es/index-names.js';
import { createKafka } from '../core/src/kafka/client.js';
import type { ContenderName } from './ingest/contenders.js';
import { runIngestBench } from './ingest/bench.js';
import { preloadEvents } from './preload.js';

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

const DAY_MS = 86_400_000;

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
        const days = Number(values.days ?? 10);
        const events = Number(values.events ?? 200_000);
        const prefix = values.prefix ?? env.ARIANE_INDEX_PREFIX;
        const nowMs = Date.now();
        // The default mix stores about 7.5 documents per request (measured); the run stops at
        // --events, so the last hours of the span may stay thinner.
        const requests = Math.ceil(events / 7.5);
        await installEventsTemplate(es, indexNames(prefix), prefix);
        const started = Date.now();
        let lastReport = started;
        const result = await preloadEvents(es, {
          generator: {
            seed: values.seed ?? 'preload',
            startMs: nowMs - days * DAY_MS,
            requests,
            requestsPerSecond: requests / (days * 86_400),
          },
          indexPrefix: prefix,
          events,
          nowMs,
          retentionDays: days + 1,
          bulkDocs: 5_000,
          concurrency: Number(values.concurrency ?? 2),
          onProgress: (written) => {
            if (Date.now() - lastReport < 10_000) return;
            lastReport = Date.now();
            console.log(`[preload] ${written} documents`);
          },
        });
        const seconds = (Date.now() - started) / 1000;
        console.log(
          `[preload] ${result.written} documents in ${result.indices.length} indices (${result.indices[0]} .. ${result.indices.at(-1)}), ${result.failed} failed, ${result.rejected} records rejected, ${seconds.toFixed(0)} s (${(result.written / seconds).toFixed(0)} docs/s)`,
        );
        return result.failed > 0 ? 1 : 0;
      }
      case 'query':
      case 'jobs':
        console.error(`bench ${name} is not implemented yet\n\n${USAGE}`);
        return 2;
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
