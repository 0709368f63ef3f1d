import { readFileSync } from 'node:fs';
import { DEFAULT_FIELD_MAPPING } from '../../ingest/src/formats/field-mapping.js';
import type { NormaliseContext } from '../../ingest/src/pipeline/normalise-context.js';

const FIXTURES = new URL('../fixtures/ingest/', import.meta.url);

/** Epoch ms at which every ingest fixture's request starts (2026-11-20T10:00:00Z). */
export const FIXTURE_START_MS = 1_795_168_800_000;

/** A fixture, parsed. Fixtures are invented; see test/fixtures/ingest/README.md. */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Record<
    string,
    unknown
  >;
}

/**
 * A fixture moved in time by `shiftMs`: every epoch-ms number and ISO date in it moves, so a
 * request keeps its internal timing when replayed "now".
 */
export function shiftedFixture(name: string, shiftMs: number): Record<string, unknown> {
  return shiftTimes(fixture(name), shiftMs) as Record<string, unknown>;
}

function shiftTimes(value: unknown, shiftMs: number): unknown {
  if (typeof value === 'number' && value >= 1_700_000_000_000 && value < 2_000_000_000_000)
    return value + shiftMs;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? value : new Date(ms + shiftMs).toISOString();
  }
  if (Array.isArray(value)) return value.map((v) => shiftTimes(v, shiftMs));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftTimes(v, shiftMs)]));
  return value;
}

export function bytesOf(record: unknown): Buffer {
  return Buffer.from(JSON.stringify(record));
}

/** A normalisation context one minute after the fixtures' request, with default settings. */
export function contextFor(
  raw: Buffer,
  overrides: Partial<NormaliseContext> = {},
): NormaliseContext {
  return {
    origin: { topic: 'ariane.gateway', partition: 0, offset: '42' },
    raw,
    nowMs: FIXTURE_START_MS + 60_000,
    time: { retentionDays: 10, futureToleranceMs: 300_000, futureLimitMs: 86_400_000 },
    mapping: DEFAULT_FIELD_MAPPING,
    ...overrides,
  };
}

/**
 * A pino line of one request, as a backend behind the gateway writes it: the ids come in the
 * request headers it received; `fields` add to or replace the line's own (a service `name`, say),
 * and a line without `name` leaves the service to be named by its envelope.
 */
export function requestPinoLine(
  timeMs: number,
  ids: { requestId: string; tenant: string },
  fields: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    level: 30,
    time: timeMs,
    pid: 7,
    hostname: 'pod-1',
    req: {
      method: 'GET',
      url: '/access-external/v1/units',
      headers: { 'x-request-id': ids.requestId, 'x-tenant-id': ids.tenant },
    },
    res: { statusCode: 200 },
    responseTime: 3,
    msg: 'request completed',
    ...fields,
  });
}
