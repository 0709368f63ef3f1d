import { parseArgs } from 'node:util';
import { z } from 'zod';
import { GeneratorOptionsSchema, type GeneratorOptions } from './options.js';
import type { Pacing } from './kafka-target.js';

export const TRAFFIC_USAGE = `Usage: npm run traffic -- [options]

Produces simulated PISTE gateway and service logs to Kafka (<ARIANE_TOPIC_PREFIX>.gateway and
<ARIANE_TOPIC_PREFIX>.services), or prints them with --stdout. Deterministic for a seed.

  --rate <n>              client requests per second sent (default 20); each request yields
                          about 8 records (gateway lines + service log lines)
  --duration <s>          stop after this many seconds' worth of requests (default: run forever)
  --requests <n>          stop after n requests (overrides --duration)
  --events <n>            stop after n records
  --days <d>              stamp the requests evenly over the last d days instead of "now"
                          (needs --requests or --duration)
  --start <iso>           generated time of the first request (default: now, or now - days)
  --seed <s>              PRNG seed (default 42)
  --fast                  no pacing: send as fast as Kafka accepts (backlog for benchmarks)
  --stdout                print {topic,key,value} JSON lines instead of producing
  --transaction-event-share <0..1>   share of transactions in the transaction event log format
  --envelope-share <0..1> share of records wrapped in a shipper's envelope (Filebeat, Fluent Bit,
                          Vector, OTLP, Docker, CRI, syslog…; default 0.3, 0 for bare lines)
  --client-error-rate, --server-error-rate, --quota-rate, --slow-rate, --missing-hop-rate,
  --skewed-host-rate, --duplicate-rate, --out-of-order-rate <0..1>   fault rates
  --help
`;

const DAY_MS = 86_400_000;

/** What a traffic run will do, decided from the command line and the clock, before any I/O. */
export interface TrafficPlan {
  readonly generator: GeneratorOptions;
  readonly pacing: Pacing;
  readonly maxRecords: number | undefined;
  readonly stdout: boolean;
}

const FAULT_FLAGS = {
  'client-error-rate': 'clientError',
  'server-error-rate': 'serverError',
  'quota-rate': 'quota',
  'slow-rate': 'slow',
  'missing-hop-rate': 'missingHop',
  'skewed-host-rate': 'skewedHost',
  'duplicate-rate': 'duplicate',
  'out-of-order-rate': 'outOfOrder',
} as const;

const positive = z.coerce.number().positive();

export class UsageError extends Error {}

/** Parses `npm run traffic` arguments; throws UsageError with a readable message on bad input. */
export function planTraffic(argv: readonly string[], nowMs: number): TrafficPlan | 'help' {
  const stringOption = { type: 'string' } as const;
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      rate: stringOption,
      duration: stringOption,
      requests: stringOption,
      events: stringOption,
      days: stringOption,
      start: stringOption,
      seed: stringOption,
      'transaction-event-share': stringOption,
      'envelope-share': stringOption,
      fast: { type: 'boolean' },
      stdout: { type: 'boolean' },
      help: { type: 'boolean' },
      ...Object.fromEntries(Object.keys(FAULT_FLAGS).map((flag) => [flag, stringOption])),
    },
  });
  if (values.help) return 'help';
  const read = <T>(name: string, schema: z.ZodType<T>, raw: unknown): T | undefined => {
    if (raw === undefined) return undefined;
    const result = schema.safeParse(raw);
    if (!result.success)
      throw new UsageError(`--${name}: ${result.error.issues[0]?.message ?? 'invalid'}`);
    return result.data;
  };
  const rate = read('rate', positive, values.rate) ?? 20;
  const duration = read('duration', positive, values.duration);
  const requests =
    read('requests', z.coerce.number().int().nonnegative(), values.requests) ??
    (duration === undefined ? undefined : Math.round(rate * duration));
  const days = read('days', positive, values.days);
  const start = read('start', z.iso.datetime({ offset: true }), values.start);
  if (days !== undefined && requests === undefined)
    throw new UsageError('--days needs --requests or --duration to know how to spread them');
  const spanMs = days === undefined ? undefined : days * DAY_MS;
  const startMs = start ? Date.parse(start) : spanMs === undefined ? nowMs : nowMs - spanMs;
  const faults: Record<string, number> = {};
  for (const [flag, key] of Object.entries(FAULT_FLAGS)) {
    const value = read(
      flag,
      z.coerce.number().min(0).max(1),
      (values as Record<string, unknown>)[flag],
    );
    if (value !== undefined) faults[key] = value;
  }
  const generated = GeneratorOptionsSchema.safeParse({
    seed: values.seed ?? 42,
    startMs,
    requestsPerSecond: spanMs === undefined || !requests ? rate : (requests * 1000) / spanMs,
    ...(requests === undefined ? {} : { requests }),
    ...(values['transaction-event-share'] === undefined
      ? {}
      : { transactionEventShare: Number(values['transaction-event-share']) }),
    ...(values['envelope-share'] === undefined
      ? {}
      : { envelopeShare: Number(values['envelope-share']) }),
    faults,
  });
  if (!generated.success)
    throw new UsageError(
      generated.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  const speedup = values.fast
    ? Number.POSITIVE_INFINITY
    : generated.data.requestsPerSecond === rate
      ? 1
      : rate / generated.data.requestsPerSecond;
  return {
    generator: generated.data,
    pacing: { startMs, wallStartMs: nowMs, speedup },
    maxRecords: read('events', z.coerce.number().int().positive(), values.events),
    stdout: values.stdout ?? false,
  };
}
