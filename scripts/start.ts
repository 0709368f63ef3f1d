// `npm start`: the whole pipeline on this machine. Starts (or reuses) Kafka and Elasticsearch,
// creates topics and the index template, compiles the services (`npm run build`: what a
// deployment runs, and without tsx's loader thread), runs ingest, the query API and jobs as child
// processes with their node flags (scripts/services.ts),
// waits until each is ready, then feeds demo traffic through Kafka until Ctrl-C. Stopping stops
// the traffic, the services, and the servers this run started (never ones it found running).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseEnv } from '../core/src/config/parse-env.js';
import { createKafka, createProducer } from '../core/src/kafka/client.js';
import { topicNames } from '../core/src/kafka/topics.js';
import { IngestEnvSchema } from '../ingest/src/config.js';
import { JobsEnvSchema } from '../jobs/src/config.js';
import { QueryApiEnvSchema } from '../query-api/src/config.js';
import { ensureStack, releaseStack, type EnsuredStack } from '../stack/src/stack.js';
import { produceRecords } from '../bench/generator/kafka-target.js';
import { generateRecords } from '../bench/generator/records.js';
import type { SimulatedRequest } from '../bench/generator/traffic.js';
import { buildServices } from './build.js';
import { signDemoToken } from './demo-token.js';
import { SERVICES } from './services.js';
import { startService, stopService, waitReady, type ServiceProcess } from './service-process.js';
import { runSetup, SetupEnvSchema } from './setup.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Dev-only secrets, used only when the caller did not set their own. */
const DEV_JWT_SECRET = 'ariane-dev-only-jwt-secret-change-me-0000';
const DEV_CURSOR_SECRET = 'ariane-dev-only-cursor-secret-change-me-00';
const DEV_DENYLIST_KEY = 'ariane-dev-only-denylist-key-change-me-000';
const DEMO_REQUESTS_PER_SECOND = Number(process.env.DEMO_RATE ?? 20);
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 25_000;

interface ServiceSpec {
  readonly name: keyof typeof SERVICES;
  readonly readyUrl: string;
}

function serviceSpecs(env: NodeJS.ProcessEnv): ServiceSpec[] {
  const ingest = parseEnv(IngestEnvSchema, env);
  const api = parseEnv(QueryApiEnvSchema, env);
  const jobs = parseEnv(JobsEnvSchema, env);
  return [
    {
      name: 'ingest',
      readyUrl: `http://127.0.0.1:${ingest.INGEST_OPS_PORT}/readyz`,
    },
    {
      name: 'query-api',
      readyUrl: `http://127.0.0.1:${api.QUERY_API_PORT}/readyz`,
    },
    {
      name: 'jobs',
      readyUrl: `http://127.0.0.1:${jobs.JOBS_OPS_PORT}/readyz`,
    },
  ];
}

function readyBanner(
  env: NodeJS.ProcessEnv,
  running: readonly string[],
  token: string,
  sample: SimulatedRequest | undefined,
): string {
  const api = `http://127.0.0.1:${parseEnv(QueryApiEnvSchema, env).QUERY_API_PORT}`;
  const ingestOps = `http://127.0.0.1:${parseEnv(IngestEnvSchema, env).INGEST_OPS_PORT}`;
  const curl = (url: string) =>
    `curl -s -H "Authorization: Bearer $ARIANE_TOKEN" -H "X-Tenant-Id: ${sample?.tenant ?? '0'}" ${url}`;
  const lines = [
    '',
    '================================ Ariane is ready ================================',
    `services        ${running.join(', ')}`,
    `Kafka           ${env.KAFKA_BROKERS}    Elasticsearch ${env.ES_URL}`,
    `query API       ${api}/trace/v1`,
    `OpenAPI         ${api}/trace/v1/openapi.json   (docs: ${api}/trace/v1/docs)`,
    `timeline UI     ${api}/trace/ui`,
    `metrics         ${api}/metrics   ${ingestOps}/metrics`,
    `demo traffic    ${DEMO_REQUESTS_PER_SECOND} requests/s to ${env.ARIANE_TOPIC_PREFIX ?? 'ariane'}.gateway and .services`,
    '',
    'Try it (the token is signed with the dev JWT_SECRET; events take a few seconds to be searchable):',
    `  export ARIANE_TOKEN='${token}'`,
  ];
  if (sample?.requestId) lines.push(`  ${curl(`${api}/trace/v1/requests/${sample.requestId}`)}`);
  if (sample?.sessionId) lines.push(`  ${curl(`${api}/trace/v1/sessions/${sample.sessionId}`)}`);
  lines.push('Ctrl-C stops everything.', '='.repeat(81), '');
  return lines.join('\n');
}

/** A request worth showing: routed, answered, with ids the timeline can be searched by. */
const showable = (request: SimulatedRequest) =>
  request.requestId !== undefined &&
  request.sessionId !== undefined &&
  request.rejection === undefined &&
  request.status < 400 &&
  request.hops.length >= 2;

async function main(): Promise<number> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JWT_SECRET: process.env.JWT_SECRET ?? DEV_JWT_SECRET,
    CURSOR_SECRET: process.env.CURSOR_SECRET ?? DEV_CURSOR_SECRET,
    ANONYMISATION_DENYLIST_KEY: process.env.ANONYMISATION_DENYLIST_KEY ?? DEV_DENYLIST_KEY,
  };
  let stack: EnsuredStack | undefined;
  const services: ServiceProcess[] = [];
  const traffic = new AbortController();
  let trafficDone: Promise<unknown> = Promise.resolve();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      console.log('[start] stopping: traffic, then services, then the stack this run started');
      traffic.abort();
      await trafficDone.catch(() => undefined);
      await Promise.all(services.map((service) => stopService(service, STOP_GRACE_MS)));
      if (stack) await releaseStack(stack.startedByUs, env);
    })());
  const onSignal = () => {
    void stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[start] stop failed:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    console.log('[start] starting or reusing Kafka and Elasticsearch');
    stack = await ensureStack(env);
    env.KAFKA_BROKERS = stack.kafkaBrokers.join(',');
    env.ES_URL = stack.esUrl;
    console.log('[start] creating topics and the index template');
    await runSetup(parseEnv(SetupEnvSchema, env));

    console.log('[start] compiling the services (npm run build)');
    await buildServices();
    const specs = serviceSpecs(env);
    for (const spec of specs) {
      const { compiled, nodeFlags } = SERVICES[spec.name];
      if (!existsSync(path.join(ROOT, compiled))) {
        console.warn(`[start] ${compiled} was not built: ${spec.name} is not started`);
        continue;
      }
      services.push(
        startService(spec.name, [...nodeFlags, path.join(ROOT, compiled)], env, (line) =>
          console.log(line),
        ),
      );
    }
    await Promise.all(
      services.map((service) =>
        waitReady(
          service,
          specs.find((s) => s.name === service.name)?.readyUrl ?? '',
          READY_TIMEOUT_MS,
        ),
      ),
    );

    const connection = parseEnv(SetupEnvSchema, env);
    const producer = createProducer(createKafka(connection));
    await producer.connect();
    let sample: SimulatedRequest | undefined;
    const startMs = Date.now();
    const records = generateRecords(
      { seed: `demo-${startMs}`, startMs, requestsPerSecond: DEMO_REQUESTS_PER_SECOND },
      undefined,
      (request) => {
        if (!sample && showable(request)) sample = request;
      },
    );
    let announced = false;
    const token = await signDemoToken(env.JWT_SECRET as string, Math.floor(startMs / 1000));
    trafficDone = produceRecords(producer, records, {
      topics: topicNames(connection.ARIANE_TOPIC_PREFIX),
      pacing: { startMs, wallStartMs: startMs, speedup: 1 },
      maxBatch: 500,
      signal: traffic.signal,
      onBatch: () => {
        if (announced || !sample) return;
        announced = true;
        console.log(
          readyBanner(
            env,
            services.map((s) => s.name),
            token,
            sample,
          ),
        );
      },
    }).finally(() => producer.disconnect());
    // A service dying while the demo runs takes the whole pipeline down, loudly.
    const firstExit = Promise.race(
      services.map((service) => service.exited.then((code) => ({ service, code }))),
    );
    const outcome = await Promise.race([firstExit, trafficDone.then(() => undefined)]);
    if (outcome && !stopping) {
      console.error(`[start] ${outcome.service.name} exited (${outcome.code}); stopping`);
      await stop();
      return 1;
    }
    await stop();
    return 0;
  } catch (error) {
    console.error(
      '[start] failed:',
      error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error,
    );
    await stop();
    return 1;
  }
}

process.exitCode = await main();
