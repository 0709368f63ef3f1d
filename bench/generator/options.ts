import { z } from 'zod';

const rate = z.number().min(0).max(1);

/**
 * How often each fault or special case appears. Each rate is a probability per request (or per
 * record, for duplicates and reordering, or per backend host, for clock skew), so the counts in a
 * large run come out close to `rate × population`.
 */
export const FaultRatesSchema = z.object({
  /** Client errors returned by a backend (400, 404, 409, 412) or the gateway (401). */
  clientError: rate.default(0.06),
  /** Server errors (500, 502, 503). */
  serverError: rate.default(0.02),
  /** Quota rejections answered by the gateway itself with 429: no backend leg at all. */
  quota: rate.default(0.03),
  /** Backends taking seconds instead of milliseconds. */
  slow: rate.default(0.02),
  /** A backend hop that handled the request but wrote no log line. */
  missingHop: rate.default(0.03),
  /** Share of backend hosts whose clock is off by a few seconds. */
  skewedHost: rate.default(0.2),
  /** Records written twice (a shipper retry). */
  duplicate: rate.default(0.01),
  /** Records delivered after records written later. */
  outOfOrder: rate.default(0.05),
  /** Requests without a client X-Request-Id: the gateway mints one, or none for rejections. */
  missingRequestId: rate.default(0.15),
  /** Backend log lines whose free text carries an e-mail or an IP address. */
  personalData: rate.default(0.1),
});
export type FaultRates = z.infer<typeof FaultRatesSchema>;

export const GeneratorOptionsSchema = z.object({
  seed: z.union([z.string(), z.number()]).default(42),
  /** Epoch ms of the first request. No default: a pure generator never reads the clock. */
  startMs: z.number().int().nonnegative(),
  /** Mean request arrival rate; arrivals are jittered around an even spacing. */
  requestsPerSecond: z.number().positive().default(20),
  /** Number of client requests to simulate; unbounded when absent. */
  requests: z.number().int().nonnegative().optional(),
  /** Share of gateway transactions written as a transaction-event-log line, the rest as open traffic. */
  transactionEventShare: rate.default(0.3),
  /**
   * Share of records wrapped in a shipper's envelope (Filebeat, Fluent Bit, OTLP…, see
   * envelopes.ts), as real traffic reaches ingest. Callers whose results must stay comparable
   * byte for byte with earlier runs (the ingest benches, the preload, the soak) set 0.
   */
  envelopeShare: rate.default(0.3),
  tenants: z.number().int().min(1).max(1000).default(5),
  applications: z.number().int().min(1).max(100_000).default(24),
  /** Sessions interleaving at any moment. */
  concurrentSessions: z.number().int().min(1).max(100_000).default(40),
  faults: FaultRatesSchema.default(FaultRatesSchema.parse({})),
});
export type GeneratorOptions = z.output<typeof GeneratorOptionsSchema>;
export type GeneratorOptionsInput = z.input<typeof GeneratorOptionsSchema>;
