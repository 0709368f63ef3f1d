import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Client, estypes } from '@elastic/elasticsearch';
import { SignJWT } from 'jose';
import type { ConnectionEnv } from '../../core/src/config/connections.js';
import { indexNames } from '../../core/src/es/index-names.js';
import type { TraceEvent } from '../../core/src/schemas/trace-event.js';
import {
  eventsOfRequestQuery,
  transactionsOfRequestQuery,
} from '../../query-api/src/timeline/request-queries.js';
import { sessionPageQuery } from '../../query-api/src/timeline/session-queries.js';
import { deleteIndexPrefix } from '../cleanup.js';
import { freePort, startServiceProcess } from '../service-process.js';
import { load, type Call, type LoadResult } from '../load.js';
import { copySuffix, preload, buildPool, type Pool } from '../preload.js';
import { round, table } from '../stats.js';

export interface QueryBenchOptions {
  /** Reuse a data set an earlier `preload` (same seed, events, days) left under this prefix. */
  readonly reusePrefix?: string;
  readonly keep: boolean;
  /** Preload deadline: the data set is what fitted in it. */
  readonly preloadSeconds?: number;
  readonly events: number;
  readonly days: number;
  readonly seed: string;
  readonly concurrency: number;
  /** One measured round per value: 1 shows unloaded latency, more shows it under load. */
  readonly connections: readonly number[];
  readonly seconds: number;
  readonly samples: number;
}

const JWT_SECRET = randomBytes(32).toString('hex');
const TARGET_REQUEST_P99_MS = 25;

interface Sample {
  readonly id: string;
  readonly tenant: string;
}

/** Request and session ids of random copies of the pool, each with its tenant. */
function sampleIds(
  pool: Pool,
  stored: number,
  count: number,
  field: 'requestId' | 'sessionId',
): Sample[] {
  const candidates = pool.docs.filter((doc) => doc[field] !== undefined && doc.tenant);
  const samples: Sample[] = [];
  // The last copy may be partial (or missing, when the preload stopped at its deadline): sample
  // from the complete ones.
  const copies = Math.max(1, Math.min(pool.copies - 1, Math.floor(stored / pool.docs.length)));
  for (let i = 0; i < count && candidates.length > 0; i += 1) {
    const doc = candidates[
      Math.floor(Math.random() * candidates.length)
    ] as (typeof candidates)[number];
    const copy = Math.floor(Math.random() * copies);
    samples.push({
      id: `${doc[field] as string}${copySuffix(copy)}`,
      tenant: doc.tenant as string,
    });
  }
  return samples;
}

/** A search request as Elasticsearch's HTTP API takes it: URL parameters apart from the body. */
function searchCall(request: estypes.SearchRequest, headers: Record<string, string>): Call {
  const { index, ignore_unavailable, allow_no_indices, preference, request_cache, ...body } =
    request;
  const params = new URLSearchParams();
  if (ignore_unavailable !== undefined)
    params.set('ignore_unavailable', String(ignore_unavailable));
  if (allow_no_indices !== undefined) params.set('allow_no_indices', String(allow_no_indices));
  if (preference !== undefined) params.set('preference', preference);
  if (request_cache !== undefined) params.set('request_cache', String(request_cache));
  return {
    method: 'POST',
    path: `/${String(index)}/_search?${params.toString()}`,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

function elasticsearchAuth(env: ConnectionEnv): Record<string, string> {
  if (env.ES_API_KEY) return { authorization: `ApiKey ${env.ES_API_KEY}` };
  if (env.ES_USERNAME && env.ES_PASSWORD)
    return {
      authorization: `Basic ${Buffer.from(`${env.ES_USERNAME}:${env.ES_PASSWORD}`).toString('base64')}`,
    };
  return {};
}

/** The query API as deployed: `query-api/src/server.ts` in its own process, env-configured. */
async function startQueryApi(prefix: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = await startServiceProcess(
    ['--import', 'tsx', 'query-api/src/server.ts'],
    {
      ARIANE_INDEX_PREFIX: prefix,
      QUERY_API_HOST: '127.0.0.1',
      QUERY_API_PORT: String(port),
      JWT_SECRET,
      CURSOR_SECRET: JWT_SECRET,
      LOG_LEVEL: 'warn',
    },
    `${url}/readyz`,
  );
  return { url, stop: () => service.stop() };
}

/**
 * Timeline latency under concurrency: the real query API (own process, JWT auth) against the
 * raw Elasticsearch search that returns the same events, both driven by autocannon with the
 * same connections, over random request and session ids of the data set, one round per
 * connection count.
 *
 * The raw request-timeline search is the API's second query with the correlation ids already
 * known (one round trip); the API does three (transactions, then events, with the other-tenant
 * count alongside). The raw session search is the API's session page query (one round trip);
 * the API then fetches the page's request events. The ratio is the whole price of the API.
 */
export async function runQueryBench(
  es: Client,
  env: ConnectionEnv,
  options: QueryBenchOptions,
): Promise<Record<string, unknown>> {
  const prefix = options.reusePrefix ?? `bench-${Date.now().toString(36)}-q`;
  const names = indexNames(prefix);
  const preloadSettings = {
    indexPrefix: prefix,
    seed: options.seed,
    events: options.events,
    days: options.days,
    concurrency: options.concurrency,
  };
  let pool: Pool;
  let loaded: { written: number; seconds: number } | undefined;
  if (options.reusePrefix) {
    pool = buildPool({
      ...preloadSettings,
      nowMs: Date.now(),
      poolDocs: Math.min(options.events, 20_000),
    });
  } else {
    const result = await preload(es, {
      ...preloadSettings,
      ...(options.preloadSeconds !== undefined && { maxSeconds: options.preloadSeconds }),
    });
    pool = result.pool;
    loaded = result;
  }
  const stored = (await es.count({ index: names.eventsPattern })).count;
  const esHeaders = elasticsearchAuth(env);
  const api = await startQueryApi(prefix);
  try {
    const requests = sampleIds(pool, stored, options.samples, 'requestId');
    const sessions = sampleIds(pool, stored, options.samples, 'sessionId');
    const tenants = [...new Set([...requests, ...sessions].map((s) => s.tenant))];
    const token = await new SignJWT({ roles: ['support'], tenants })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bench')
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(JWT_SECRET));

    // The raw request search needs the correlation ids the API's first query would find.
    const rawRequestCalls: Call[] = [];
    for (const { id, tenant } of requests) {
      const context = { index: names.eventsPattern, tenant };
      const first = await es.search(transactionsOfRequestQuery(context, [id]));
      const correlationIds = new Set<string>();
      for (const hit of first.hits.hits) {
        const source = hit._source as Partial<TraceEvent> | undefined;
        if (source?.transaction?.id) correlationIds.add(source.transaction.id);
        for (const value of source?.ariane?.correlation_ids ?? []) correlationIds.add(value);
      }
      rawRequestCalls.push(
        searchCall(
          eventsOfRequestQuery(
            context,
            { requestIds: [id], correlationIds: [...correlationIds], traceIds: [] },
            { size: 2_000 },
          ),
          esHeaders,
        ),
      );
    }
    const rawSessionCalls = sessions.map(({ id, tenant }) =>
      searchCall(
        sessionPageQuery({ index: names.eventsPattern, tenant }, id, { limit: 1000, offset: 0 }),
        esHeaders,
      ),
    );
    const apiCall =
      (resource: 'requests' | 'sessions', samples: readonly Sample[]) =>
      (i: number): Call => {
        const { id, tenant } = samples[i % samples.length] as Sample;
        return {
          method: 'GET',
          path: `/trace/v1/${resource}/${encodeURIComponent(id)}`,
          headers: { authorization: `Bearer ${token}`, 'x-tenant-id': tenant },
        };
      };
    const rotate = (make: (i: number) => Call) => {
      let i = 0;
      return () => make(i++);
    };
    const esUrl = env.ES_URL;
    const runs: [string, string, () => Call][] = [
      ['API request timeline', api.url, rotate(apiCall('requests', requests))],
      [
        'raw ES request events',
        esUrl,
        rotate((i) => rawRequestCalls[i % rawRequestCalls.length] as Call),
      ],
      ['API session timeline', api.url, rotate(apiCall('sessions', sessions))],
      [
        'raw ES session page',
        esUrl,
        rotate((i) => rawSessionCalls[i % rawSessionCalls.length] as Call),
      ],
    ];
    // Warm-up: JIT, connection pools, Elasticsearch caches. Not measured.
    for (const [label, url, next] of runs)
      await load(label, url, next, { connections: 4, seconds: 3 });
    const rounds: { connections: number; results: LoadResult[] }[] = [];
    for (const connections of options.connections) {
      const results: LoadResult[] = [];
      for (const [label, url, next] of runs)
        results.push(await load(label, url, next, { connections, seconds: options.seconds }));
      rounds.push({ connections, results });
      console.log(`${connections} connections: done`);
    }
    console.log(
      `\n${stored} events in ${names.eventsPattern}; ${options.seconds} s per run; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      table(
        ['connections', 'run', 'answers', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'],
        rounds.flatMap(({ connections, results }) =>
          results.map((r) => [
            connections,
            r.label,
            r.requests,
            r.perSecond,
            r.p50Ms,
            r.p95Ms,
            r.p99Ms,
            r.errors,
          ]),
        ),
      ),
    );
    const ratio = (a: number, b: number) => round(a / b, 2);
    const byRound = rounds.map(({ connections, results }) => {
      const [apiRequest, rawRequest, apiSession, rawSession] = results as [
        LoadResult,
        LoadResult,
        LoadResult,
        LoadResult,
      ];
      return {
        connections,
        results: Object.fromEntries(results.map(({ label, ...r }) => [label, r])),
        ratios: {
          request_p50_api_to_raw: ratio(apiRequest.p50Ms, rawRequest.p50Ms),
          request_p99_api_to_raw: ratio(apiRequest.p99Ms, rawRequest.p99Ms),
          session_p50_api_to_raw: ratio(apiSession.p50Ms, rawSession.p50Ms),
          session_p99_api_to_raw: ratio(apiSession.p99Ms, rawSession.p99Ms),
        },
        requestP99AtMost25Ms: apiRequest.p99Ms <= TARGET_REQUEST_P99_MS,
      };
    });
    return {
      benchmark: 'query',
      events: stored,
      days: options.days,
      seconds: options.seconds,
      ...(loaded && {
        preload: {
          docs: loaded.written,
          seconds: round(loaded.seconds),
          docsPerSecond: round(loaded.written / loaded.seconds),
        },
      }),
      loadAverage: os.loadavg().map((l) => round(l, 2)),
      rounds: byRound,
    };
  } finally {
    await api.stop();
    if (!options.keep && !options.reusePrefix) await deleteIndexPrefix(es, prefix);
    else console.log(`kept ${names.eventsPattern}; delete it with the bench's cleanup or by name`);
  }
}
