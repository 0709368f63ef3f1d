import autocannon from 'autocannon';
import { percentile, round } from './stats.js';

/** One HTTP call of a load run: path, method, headers and body, chosen per call. */
export interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export interface LoadResult {
  readonly label: string;
  readonly requests: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Answers outside 2xx, and connection errors or timeouts. */
  readonly errors: number;
}

/**
 * A closed-loop autocannon run: `connections` clients each send the next call as soon as the
 * previous one answered, for `seconds`. Latencies come from autocannon's per-response event so
 * that p95 can be reported (its own summary stops at p90 and p97.5).
 */
export async function load(
  label: string,
  baseUrl: string,
  nextCall: () => Call,
  options: { connections: number; seconds: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let finished!: (result: autocannon.Result) => void;
  let failed!: (error: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finished = resolve;
    failed = reject;
  });
  const settings = {
    url: baseUrl,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    requests: [
      {
        setupRequest: (request) => {
          const call = nextCall();
          return {
            ...request,
            method: call.method,
            path: call.path,
            headers: call.headers,
            ...(call.body !== undefined && { body: call.body }),
          };
        },
      },
    ],
  } satisfies autocannon.Options;
  const instance = autocannon(settings, (error, result) =>
    error ? failed(error) : finished(result),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    else errors += 1;
  });
  const result = await done;
  return {
    label,
    requests: latencies.length,
    perSecond: round(latencies.length / options.seconds),
    p50Ms: round(percentile(latencies, 50), 1),
    p95Ms: round(percentile(latencies, 95), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    errors: errors + result.errors + result.timeouts,
  };
}
