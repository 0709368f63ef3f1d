import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Client } from '@elastic/elasticsearch';
import { SignJWT } from 'jose';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { OperationSchema, type Operation } from '../core/src/anonymisation/operations.js';
import { indexNames } from '../core/src/es/index-names.js';
import { installEventsTemplate } from '../core/src/es/setup.js';
import { createProducer } from '../core/src/kafka/client.js';
import { ensureTopics } from '../core/src/kafka/setup.js';
import { topicNames, type TopicNames } from '../core/src/kafka/topics.js';
import { OperationAcceptedSchema } from '../query-api/src/routes/anonymisations/routes.js';
import { deleteIndexPrefix, deleteTopicPrefix } from './cleanup.js';
import { topicMessagesOf } from './generator/kafka-target.js';
import { generateRecords, type TrafficRecord } from './generator/records.js';
import type { SimulatedRequest } from './generator/traffic.js';
import { procStatusKb } from './ingest/contenders.js';
import { buildServices } from '../scripts/build.js';
import { SERVICES, type ServiceName } from '../scripts/services.js';
import {
  cpuProfileFlags,
  freePort,
  startServiceProcess,
  type ServiceProcess,
} from './service-process.js';
import { leastSquaresSlope, percentile, round, sleep, table, theilSenSlope } from './stats.js';

/**
 * Half of the latest measured ingest maximum (BENCHMARKS.md, "Ingest, issue 16", 2026-12-01
 * 15:04: median 5,538 docs/s over three rounds on a quiet machine, 94,100 records per 100,000
 * documents) in Kafka records: 5,538 / 2 × 0.941 ≈ 2,606. The machine ran the same code at
 * about a third of the 2026-11-21 figures that day (the raw Elasticsearch ceiling too), so the
 * rate is re-derived from a run of the day, not carried over.
 */
export const DEFAULT_SOAK_RECORDS_PER_SECOND = 2_600;

export interface SoakOptions {
  readonly minutes: number;
  /** Kafka records produced per second, steadily, for the whole run. */
  readonly recordsPerSecond: number;
  /** Timeline queries per second through the query API. */
  readonly queriesPerSecond: number;
  /** One anonymisation request through the API every this many minutes. */
  readonly anonymiseEveryMinutes: number;
  /**
   * After the timed run, how long the services keep running, without traffic, for the requested
   * operations to end.
   */
  readonly drainMinutes: number;
  readonly seed: string;
  /** When set, each service writes a V8 CPU profile into this directory as it exits. */
  readonly cpuProfileDir?: string;
}

/**
 * A process's resident set may grow by less than this per minute over the second half, by the
 * Theil–Sen slope: a leak moves it, one erasure episode that fills the queues and drains again
 * does not (the least-squares slope, printed beside it, does, either way).
 */
const RSS_SLOPE_LIMIT_MB_PER_MIN = 2;
/**
 * Lag is bounded when the second half does not accumulate a second of traffic per minute and
 * the run ends less than ten seconds of traffic behind.
 */
const LAG_SLOPE_LIMIT_SECONDS_PER_MIN = 1;
const LAG_END_LIMIT_SECONDS = 10;
const SAMPLE_MS = 10_000;
const TICK_MS = 100;
/** Ids are queried once they are this old, so that ingest has had time to index them. */
const QUERY_DELAY_MS = 30_000;
const DRAIN_POLL_MS = 5_000;
/** Failures listed per operation in the printed table; the JSON summary has them all. */
const TABLE_FAILURES = 2;
const SECRET = randomBytes(32).toString('hex');
const DENYLIST_KEY = randomBytes(32).toString('hex');
const PROCESSES = ['ingest', 'query', 'jobs'] as const;
type ProcessName = (typeof PROCESSES)[number];
type RunningServices = Record<ProcessName, ServiceProcess & { url: string }>;

type ApiCall = (path: string, tenant: string, init?: RequestInit) => Promise<Response>;

interface RequestedOperation {
  readonly id: string;
  readonly tenant: string;
  readonly requestedMs: number;
}

/** The last answer about an operation: its document, or why it could not be read. */
type OperationReading = Operation | `http ${number}` | 'unreachable' | 'unparseable';

/**
 * What became of one requested operation, without anything personal: the selector's value is
 * not in the operation document, and verification failures name checks, indices and fields only.
 */
interface OperationOutcome {
  readonly id: string;
  /** The operation's status, or why it could not be read. */
  readonly status: string;
  readonly attempts?: number;
  readonly eventsMatched?: number;
  readonly eventsAnonymised?: number;
  readonly indicesTouched?: number;
  readonly errorCodes: string[];
  readonly verificationPassed?: boolean;
  readonly verificationFailures: string[];
  /** From the request to `finishedAt`, or to the end of the drain for one that did not end. */
  readonly seconds: number;
}

interface KnownRequest {
  readonly producedMs: number;
  readonly tenant: string;
  readonly requestId: string | undefined;
  readonly sessionId: string | undefined;
}

interface Sample {
  readonly seconds: number;
  readonly rssMb: Record<ProcessName, number>;
  readonly lag: number;
  readonly produced: number;
  readonly indexed: number;
  readonly deadLettered: number;
  readonly queries: number;
  readonly queryErrors: number;
  readonly queryLatenciesMs: number[];
  readonly jobRuns: number;
  readonly jobFailures: number;
  /** 1-minute load average of the machine, which other work shares. */
  readonly load: number;
}

/** Sum of every series of a Prometheus metric in a text exposition, optionally label-filtered. */
function metricSum(exposition: string, name: string, labelFilter = ''): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name) || !line.includes(labelFilter)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}

const scrape = (url: string) =>
  fetch(url).then(
    (response) => response.text(),
    () => '',
  );

/** Records between the group's committed offsets and the high watermarks of both topics. */
async function consumerLag(admin: Admin, groupId: string, topics: TopicNames): Promise<number> {
  const watched = [topics.gateway, topics.services];
  const committed = await admin.fetchOffsets({ groupId, topics: watched });
  let lag = 0;
  for (const topic of watched) {
    const ends = await admin.fetchTopicOffsets(topic);
    const done = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const end of ends) {
      const offset = Number(done.find((p) => p.partition === end.partition)?.offset ?? -1);
      lag += Number(end.high) - (offset < 0 ? Number(end.low) : offset);
    }
  }
  return lag;
}

/** The services' metrics expositions and the consumer lag, read together. */
async function readServices(
  running: RunningServices,
  admin: Admin,
  prefix: string,
  topics: TopicNames,
): Promise<{ ingestMetrics: string; jobsMetrics: string; lag: number }> {
  const [ingestMetrics, jobsMetrics, lag] = await Promise.all([
    scrape(`${running.ingest.url}/metrics`),
    scrape(`${running.jobs.url}/metrics`),
    consumerLag(admin, `${prefix}-ingest`, topics).catch(() => Number.NaN),
  ]);
  return { ingestMetrics, jobsMetrics, lag };
}

const statusOf = (reading: OperationReading | undefined): string =>
  typeof reading === 'object' ? reading.status : (reading ?? 'unread');
const hasEnded = (status: string) => status === 'done' || status === 'failed';

function countStatuses(statuses: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** The operation as the query API shows it to the compliance officer who requested it. */
async function readOperation(
  api: ApiCall,
  requested: RequestedOperation,
): Promise<OperationReading> {
  return api(`/trace/v1/operations/${encodeURIComponent(requested.id)}`, requested.tenant).then(
    async (response): Promise<OperationReading> => {
      if (!response.ok) return `http ${response.status}`;
      const parsed = OperationSchema.safeParse(await response.json().catch(() => undefined));
      return parsed.success ? parsed.data : 'unparseable';
    },
    () => 'unreachable',
  );
}

/**
 * Polls every operation that has not ended until all have, the drain's time is up or the run is
 * interrupted. Each is read at least once, so an interrupted run still says where each stood.
 */
async function drainOperations(
  api: ApiCall,
  requested: readonly RequestedOperation[],
  drainMs: number,
  interrupted: AbortSignal,
): Promise<Map<string, OperationReading>> {
  const readings = new Map<string, OperationReading>();
  const started = Date.now();
  for (;;) {
    for (const operation of requested)
      if (!hasEnded(statusOf(readings.get(operation.id))))
        readings.set(operation.id, await readOperation(api, operation));
    const statuses = countStatuses(
      requested.map((operation) => statusOf(readings.get(operation.id))),
    );
    console.log(`drain ${round((Date.now() - started) / 1000)}s: ${JSON.stringify(statuses)}`);
    const open = requested.some((operation) => !hasEnded(statusOf(readings.get(operation.id))));
    if (!open || Date.now() - started >= drainMs || interrupted.aborted) return readings;
    const next = Math.min(Date.now() + DRAIN_POLL_MS, started + drainMs);
    while (Date.now() < next && !interrupted.aborted) await sleep(250);
  }
}

function outcomeOf(
  requested: RequestedOperation,
  reading: OperationReading | undefined,
  drainEndedMs: number,
): OperationOutcome {
  const secondsTo = (ms: number) => round((ms - requested.requestedMs) / 1000);
  if (typeof reading !== 'object')
    return {
      id: requested.id,
      status: statusOf(reading),
      errorCodes: [],
      verificationFailures: [],
      seconds: secondsTo(drainEndedMs),
    };
  const { result } = reading;
  const finishedMs =
    hasEnded(reading.status) && reading.finishedAt !== undefined
      ? Date.parse(reading.finishedAt)
      : drainEndedMs;
  return {
    id: requested.id,
    status: reading.status,
    attempts: reading.attempts,
    ...(result && {
      eventsMatched: result.eventsMatched,
      eventsAnonymised: result.eventsAnonymised,
      indicesTouched: result.indicesTouched.length,
    }),
    errorCodes: result?.errors.map((error) => error.code) ?? [],
    ...(result?.verification && { verificationPassed: result.verification.passed }),
    verificationFailures: result?.verification?.failures ?? [],
    seconds: secondsTo(finishedMs),
  };
}

function operationsTable(outcomes: readonly OperationOutcome[]): string {
  const orDash = (value: unknown) => value ?? '-';
  const failuresCell = (failures: readonly string[]) =>
    failures.length === 0
      ? '-'
      : failures.slice(0, TABLE_FAILURES).join(' ') +
        (failures.length > TABLE_FAILURES ? ` +${failures.length - TABLE_FAILURES} more` : '');
  return table(
    [
      'operation',
      'status',
      'attempts',
      'matched',
      'anonymised',
      'indices',
      'error codes',
      'verified',
      'verification failures',
      'seconds',
    ],
    outcomes.map((outcome) => [
      outcome.id.slice(0, 8),
      outcome.status,
      orDash(outcome.attempts),
      orDash(outcome.eventsMatched),
      orDash(outcome.eventsAnonymised),
      orDash(outcome.indicesTouched),
      outcome.errorCodes.join(',') || '-',
      orDash(outcome.verificationPassed),
      failuresCell(outcome.verificationFailures),
      outcome.seconds,
    ]),
  );
}

/**
 * The three services as deployed, each in its own process, all under the run's prefix: compiled
 * (`dist/`, built first) with their node flags, as `npm start` and the Docker image run them.
 */
async function startServices(
  prefix: string,
  cpuProfileDir: string | undefined,
): Promise<RunningServices> {
  await buildServices();
  const started: Partial<RunningServices> = {};
  const common = {
    ARIANE_TOPIC_PREFIX: prefix,
    ARIANE_INDEX_PREFIX: prefix,
    // Ingest's group, and the jobs' bound for Kafka truncation and the operations' Kafka proof.
    INGEST_GROUP_ID: `${prefix}-ingest`,
    ANONYMISATION_DENYLIST_KEY: DENYLIST_KEY,
    LOG_LEVEL: 'warn',
  };
  const start = async (
    name: ProcessName,
    service: ServiceName,
    env: (port: number) => Record<string, string>,
  ) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { compiled, nodeFlags } = SERVICES[service];
    const running = await startServiceProcess(
      [...nodeFlags, ...cpuProfileFlags(cpuProfileDir), compiled],
      { ...common, ...env(port) },
      `${url}/readyz`,
    );
    started[name] = { ...running, url };
  };
  try {
    await start('ingest', 'ingest', (port) => ({
      INGEST_OPS_HOST: '127.0.0.1',
      INGEST_OPS_PORT: String(port),
    }));
    await start('jobs', 'jobs', (port) => ({
      JOBS_OPS_HOST: '127.0.0.1',
      JOBS_OPS_PORT: String(port),
      ANONYMISATION_CRON: '* * * * *',
      RETENTION_CRON: '*/2 * * * *',
      // A few lines per run, and they tell why an erasure needed more than one merge.
      LOG_LEVEL: 'info',
    }));
    await start('query', 'query-api', (port) => ({
      QUERY_API_HOST: '127.0.0.1',
      QUERY_API_PORT: String(port),
      JWT_SECRET: SECRET,
      CURSOR_SECRET: SECRET,
    }));
  } catch (error) {
    await Promise.all(Object.values(started).map((service) => service.stop()));
    throw error;
  }
  return started as RunningServices;
}

/**
 * Generated traffic at a fixed record rate, one `sendBatch` per 100 ms tick; records are taken
 * in generator order regardless of their due times, so the rate is the bench's, not the
 * generator's. Requests enter `known` as their records are produced.
 */
async function produceSteadily(
  producer: Producer,
  topics: TopicNames,
  options: SoakOptions,
  known: KnownRequest[],
  counters: { produced: number },
  stop: AbortSignal,
): Promise<void> {
  const pendingRequests: SimulatedRequest[] = [];
  const records = generateRecords(
    // Bare lines: record sizes, and so the rate and memory figures, match the earlier soaks.
    { seed: options.seed, startMs: Date.now(), requestsPerSecond: 1_000, envelopeShare: 0 },
    undefined,
    (request) => pendingRequests.push(request),
  );
  const perTick = (options.recordsPerSecond * TICK_MS) / 1000;
  const started = Date.now();
  let due = 0;
  for (let tick = 0; !stop.aborted; tick += 1) {
    due += perTick;
    const batch: TrafficRecord[] = [];
    while (counters.produced + batch.length < due)
      batch.push(records.next().value as TrafficRecord);
    counters.produced += batch.length;
    await producer.sendBatch({ topicMessages: topicMessagesOf(batch, topics) });
    const now = Date.now();
    for (const request of pendingRequests.splice(0))
      known.push({
        producedMs: now,
        tenant: request.tenant,
        requestId: request.requestId,
        sessionId: request.sessionId,
      });
    // Only the last few minutes of ids are ever queried.
    if (known.length > 200_000) known.splice(0, known.length - 100_000);
    await sleep(Math.max(0, started + (tick + 1) * TICK_MS - now));
  }
}

/**
 * The soak: Ariane's ingest, query API and jobs in their own processes under a fresh prefix;
 * generated traffic at a fixed rate for `minutes`; meanwhile request and session timelines of
 * ids produced at least 30 s earlier, one anonymisation request after a minute then every few
 * minutes (run by the jobs' per-minute schedule), retention every two minutes. Every 10 s: RSS of each process,
 * consumer lag (committed offsets against high watermarks), ingest's indexed and dead-lettered
 * counters, query errors and latency, job runs and failures. Then a drain of up to
 * `drainMinutes` without traffic, so that what became of every requested operation is known
 * before the indices holding it are deleted.
 */
export async function runSoak(
  es: Client,
  kafka: Kafka,
  options: SoakOptions,
): Promise<Record<string, unknown>> {
  const prefix = `bench-${Date.now().toString(36)}-soak`;
  const topics = topicNames(prefix);
  // The timed run's end stops traffic, queries and requests; a signal also cuts the drain short.
  const stop = new AbortController();
  const interrupted = new AbortController();
  const onSignal = () => {
    interrupted.abort();
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const admin = kafka.admin();
  const producer = createProducer(kafka);
  let services: RunningServices | undefined;
  const loadAverages: number[] = [];
  try {
    await admin.connect();
    await producer.connect();
    await ensureTopics(kafka, topics, { partitions: 6, replicationFactor: 1, retentionDays: 1 });
    await installEventsTemplate(es, indexNames(prefix), prefix, 0);
    services = await startServices(prefix, options.cpuProfileDir);
    const running = services;
    const pids = Object.fromEntries(PROCESSES.map((name) => [name, running[name].pid])) as Record<
      ProcessName,
      number
    >;
    const token = await new SignJWT({
      roles: ['support', 'compliance'],
      tenants: ['0', '1', '2', '3', '4'],
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('soak')
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(SECRET));

    const known: KnownRequest[] = [];
    const counters = { produced: 0 };
    const queries = { count: 0, errors: 0, notFound: 0, latencies: [] as number[] };
    const anonymisations = {
      requested: 0,
      refused: 0,
      operations: [] as RequestedOperation[],
    };
    const started = Date.now();
    const endAt = started + options.minutes * 60_000;
    const deadline = setTimeout(() => stop.abort(), endAt - started);

    const api: ApiCall = (path, tenant, init = {}) =>
      fetch(`${running.query.url}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${token}`,
          'x-tenant-id': tenant,
          ...(init.body !== undefined && { 'content-type': 'application/json' }),
        },
      });
    const pickKnown = (field: 'requestId' | 'sessionId'): KnownRequest | undefined => {
      const cutoff = Date.now() - QUERY_DELAY_MS;
      let end = known.length;
      while (end > 0 && (known[end - 1] as KnownRequest).producedMs > cutoff) end -= 1;
      for (let attempt = 0; attempt < 20 && end > 0; attempt += 1) {
        const candidate = known[Math.floor(Math.random() * end)] as KnownRequest;
        if (candidate[field] !== undefined) return candidate;
      }
      return undefined;
    };

    const producing = produceSteadily(producer, topics, options, known, counters, stop.signal);
    const querying = (async () => {
      for (let i = 0; !stop.signal.aborted; i += 1) {
        const next = Date.now() + 1000 / options.queriesPerSecond;
        const field = i % 2 === 0 ? 'requestId' : 'sessionId';
        const target = pickKnown(field);
        if (target !== undefined) {
          const path = `/trace/v1/${field === 'requestId' ? 'requests' : 'sessions'}/${encodeURIComponent(target[field] as string)}`;
          const t0 = performance.now();
          const status = await api(path, target.tenant).then(
            async (response) => {
              await response.arrayBuffer();
              return response.status;
            },
            () => 0,
          );
          queries.latencies.push(performance.now() - t0);
          queries.count += 1;
          if (status === 404) queries.notFound += 1;
          else if (status !== 200) queries.errors += 1;
        }
        await sleep(Math.max(0, next - Date.now()));
      }
    })();
    const anonymising = (async () => {
      for (let n = 1; !stop.signal.aborted; n += 1) {
        const at = started + 60_000 + (n - 1) * options.anonymiseEveryMinutes * 60_000;
        while (Date.now() < at && !stop.signal.aborted) await sleep(500);
        const target = pickKnown('requestId');
        if (stop.signal.aborted || target === undefined) continue;
        const requestedMs = Date.now();
        const response = await api('/trace/v1/anonymisations', target.tenant, {
          method: 'POST',
          body: JSON.stringify({
            selector: { type: 'request_id', value: target.requestId },
            reason: `soak ticket SOAK-${n}`,
          }),
        }).catch(() => undefined);
        anonymisations.requested += 1;
        const accepted =
          response?.status === 202
            ? OperationAcceptedSchema.safeParse(await response.json().catch(() => undefined))
            : undefined;
        if (accepted?.success)
          anonymisations.operations.push({
            id: accepted.data.operationId,
            tenant: target.tenant,
            requestedMs,
          });
        else anonymisations.refused += 1;
      }
    })();

    const samples: Sample[] = [];
    const exitedEarly = new Set<ProcessName>();
    while (!stop.signal.aborted) {
      const sampleAt = started + (samples.length + 1) * SAMPLE_MS;
      while (Date.now() < sampleAt && !stop.signal.aborted) await sleep(250);
      const { ingestMetrics, jobsMetrics, lag } = await readServices(
        running,
        admin,
        prefix,
        topics,
      );
      const rssMb = Object.fromEntries(
        PROCESSES.map((name) => [name, round(procStatusKb(pids[name], 'VmRSS') / 1024, 1)]),
      ) as Record<ProcessName, number>;
      for (const name of PROCESSES) if (rssMb[name] === 0) exitedEarly.add(name);
      const load = os.loadavg()[0] as number;
      loadAverages.push(load);
      samples.push({
        seconds: round((Date.now() - started) / 1000),
        rssMb,
        lag,
        produced: counters.produced,
        indexed: metricSum(ingestMetrics, 'ariane_ingest_events_indexed_total'),
        deadLettered: metricSum(ingestMetrics, 'ariane_ingest_records_dead_lettered_total'),
        queries: queries.count,
        queryErrors: queries.errors,
        queryLatenciesMs: queries.latencies.splice(0),
        jobRuns: metricSum(jobsMetrics, 'ariane_job_runs_total'),
        jobFailures: metricSum(jobsMetrics, 'ariane_job_runs_total', 'outcome="failure"'),
        load: round(load, 1),
      });
      const last = samples.at(-1) as Sample;
      console.log(
        `${last.seconds}s rss ingest/query/jobs ${rssMb.ingest}/${rssMb.query}/${rssMb.jobs} MB, lag ${lag}, produced ${last.produced}, indexed ${last.indexed}, dead-lettered ${last.deadLettered}, queries ${last.queries} (${last.queryErrors} errors, ${queries.notFound} not found), job runs ${last.jobRuns} (${last.jobFailures} failed)`,
      );
    }
    clearTimeout(deadline);
    await Promise.all([producing, querying, anonymising]);

    // What the jobs made of the requested operations; ingest goes on consuming meanwhile.
    const drainStartedMs = Date.now();
    const readings = await drainOperations(
      api,
      anonymisations.operations,
      options.drainMinutes * 60_000,
      interrupted.signal,
    );
    const drainEndedMs = Date.now();
    const afterDrain = await readServices(running, admin, prefix, topics);
    for (const name of PROCESSES)
      if (procStatusKb(pids[name], 'VmRSS') === 0) exitedEarly.add(name);
    const outcomes = anonymisations.operations.map((operation) =>
      outcomeOf(operation, readings.get(operation.id), drainEndedMs),
    );
    const statuses = countStatuses(outcomes.map((outcome) => outcome.status));

    const perMinute = new Map<number, Sample[]>();
    for (const sample of samples) {
      const minute = Math.min(options.minutes, Math.ceil(sample.seconds / 60));
      perMinute.set(minute, [...(perMinute.get(minute) ?? []), sample]);
    }
    let previous: Sample | undefined;
    const rows: unknown[][] = [];
    for (const [minute, group] of perMinute) {
      const last = group.at(-1) as Sample;
      const before = previous ?? { seconds: 0, indexed: 0, queryErrors: 0, jobFailures: 0 };
      const latencies = group.flatMap((s) => s.queryLatenciesMs);
      rows.push([
        minute,
        last.rssMb.ingest,
        last.rssMb.query,
        last.rssMb.jobs,
        Math.max(...group.map((s) => s.lag)),
        round((last.indexed - before.indexed) / Math.max(1, last.seconds - before.seconds)),
        round(percentile(latencies, 50)),
        round(percentile(latencies, 99)),
        last.queryErrors - before.queryErrors,
        last.jobFailures - before.jobFailures,
        Math.max(...group.map((s) => s.load)),
      ]);
      previous = last;
    }
    const secondHalf = samples.filter((s) => s.seconds >= (options.minutes * 60) / 2);
    const rss = Object.fromEntries(
      PROCESSES.map((name) => {
        const values = samples.map((s) => s.rssMb[name]);
        const rssPoints = secondHalf.map((s) => [s.seconds / 60, s.rssMb[name]] as const);
        return [
          name,
          {
            startMb: values[0] ?? 0,
            endMb: values.at(-1) ?? 0,
            maxMb: Math.max(...values),
            secondHalfSlopeMbPerMin: round(theilSenSlope(rssPoints), 2),
            secondHalfLeastSquaresSlopeMbPerMin: round(leastSquaresSlope(rssPoints), 2),
          },
        ];
      }),
    ) as Record<
      ProcessName,
      {
        startMb: number;
        endMb: number;
        maxMb: number;
        secondHalfSlopeMbPerMin: number;
        secondHalfLeastSquaresSlopeMbPerMin: number;
      }
    >;
    const lags = samples.map((s) => s.lag);
    const lagSlope = leastSquaresSlope(secondHalf.map((s) => [s.seconds / 60, s.lag]));
    const end = samples.at(-1) as Sample;
    const allLatencies = samples.flatMap((s) => s.queryLatenciesMs);
    // Failures and dead letters of the drain count too. The counters only grow, so the larger
    // reading is the latest: a process gone by then scrapes as 0 and is in processesExited.
    const errors = {
      query: end.queryErrors,
      anonymisationRefused: anonymisations.refused,
      anonymisationFailed: statuses.failed ?? 0,
      /** Still pending or running after the drain, or never read. */
      anonymisationUnfinished: outcomes.filter((outcome) => !hasEnded(outcome.status)).length,
      jobFailures: Math.max(
        end.jobFailures,
        metricSum(afterDrain.jobsMetrics, 'ariane_job_runs_total', 'outcome="failure"'),
      ),
      deadLettered: Math.max(
        end.deadLettered,
        metricSum(afterDrain.ingestMetrics, 'ariane_ingest_records_dead_lettered_total'),
      ),
      processesExited: [...exitedEarly],
    };
    const verdict = {
      memoryFlat: PROCESSES.every(
        (name) => rss[name].secondHalfSlopeMbPerMin < RSS_SLOPE_LIMIT_MB_PER_MIN,
      ),
      lagBounded:
        lags.every(Number.isFinite) &&
        lagSlope < options.recordsPerSecond * LAG_SLOPE_LIMIT_SECONDS_PER_MIN &&
        end.lag < options.recordsPerSecond * LAG_END_LIMIT_SECONDS,
      noErrors:
        errors.query +
          errors.anonymisationRefused +
          errors.anonymisationFailed +
          errors.anonymisationUnfinished +
          errors.jobFailures +
          errors.deadLettered ===
          0 && exitedEarly.size === 0,
    };
    const elapsed = end.seconds || 1;
    console.log(
      `\n${options.minutes} min at ${options.recordsPerSecond} records/s (${round(end.produced / elapsed)} achieved), ${options.queriesPerSecond} queries/s; load average (1 min) ${round(Math.min(...loadAverages), 2)}–${round(Math.max(...loadAverages), 2)}`,
    );
    console.log(
      table(
        [
          'minute',
          'ingest RSS MB',
          'query RSS MB',
          'jobs RSS MB',
          'max lag',
          'indexed/s',
          'query p50 ms',
          'query p99 ms',
          'query errors',
          'job failures',
          'max load 1m',
        ],
        rows,
      ),
    );
    const drainSeconds = round((drainEndedMs - drainStartedMs) / 1000);
    console.log(
      `\n${outcomes.length} operations, drained for ${drainSeconds} s (at most ${options.drainMinutes} min); lag after the drain ${afterDrain.lag}`,
    );
    if (outcomes.length > 0) console.log(operationsTable(outcomes));
    console.log(
      `verdict: memory flat (second-half RSS Theil–Sen slope < ${RSS_SLOPE_LIMIT_MB_PER_MIN} MB/min each): ${verdict.memoryFlat}; lag bounded (second-half slope < ${LAG_SLOPE_LIMIT_SECONDS_PER_MIN} s of traffic/min, end < ${LAG_END_LIMIT_SECONDS} s of traffic): ${verdict.lagBounded}; no errors: ${verdict.noErrors}`,
    );
    return {
      benchmark: 'soak',
      minutes: options.minutes,
      recordsPerSecond: options.recordsPerSecond,
      achievedRecordsPerSecond: round(end.produced / elapsed),
      produced: end.produced,
      indexed: end.indexed,
      indexedPerSecond: round(end.indexed / elapsed),
      loadAverage1m: {
        min: round(Math.min(...loadAverages), 2),
        max: round(Math.max(...loadAverages), 2),
      },
      rss,
      lag: {
        max: Math.max(...lags),
        end: end.lag,
        secondHalfSlopePerMin: round(lagSlope),
        afterDrain: afterDrain.lag,
      },
      queries: {
        count: end.queries,
        notFound: queries.notFound,
        p50Ms: round(percentile(allLatencies, 50)),
        p99Ms: round(percentile(allLatencies, 99)),
      },
      jobs: { runs: end.jobRuns, failures: end.jobFailures },
      anonymisations: { requested: anonymisations.requested, statuses },
      drain: { maxMinutes: options.drainMinutes, seconds: drainSeconds },
      operations: outcomes,
      errors,
      verdict,
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stop.abort();
    if (services) await Promise.all(Object.values(services).map((service) => service.stop()));
    await producer.disconnect();
    await admin.disconnect();
    await deleteIndexPrefix(es, prefix);
    await deleteTopicPrefix(kafka, prefix);
  }
}
