import type { NormaliseContext } from './normalise-context.js';
import { reject, type IndexableEvent, type Normalised } from './normalised.js';

/**
 * Time edges of an event, decided against the ingest clock:
 * - older than the retention window: valid but expired; dropped and counted, never indexed,
 *   since the retention job would delete it anyway and indexing it would recreate a deleted day;
 * - later than `futureToleranceMs`: indexed, flagged `future_timestamp` (clock skew stays
 *   visible; nothing is reordered);
 * - later than `futureLimitMs`: not clock skew but a broken clock or field. Dead-lettered,
 *   because its daily index would outlive the retention window by as much as it is early.
 */
export interface TimePolicy {
  readonly retentionDays: number;
  readonly futureToleranceMs: number;
  readonly futureLimitMs: number;
}

export type TimeVerdict = 'ok' | 'future' | 'expired' | 'too_far_in_future';

const DAY_MS = 86_400_000;

export function judgeTimestamp(eventMs: number, nowMs: number, policy: TimePolicy): TimeVerdict {
  if (eventMs < nowMs - policy.retentionDays * DAY_MS) return 'expired';
  if (eventMs > nowMs + policy.futureLimitMs) return 'too_far_in_future';
  if (eventMs > nowMs + policy.futureToleranceMs) return 'future';
  return 'ok';
}

/** 2000-01-01 and 10000-01-01: outside that a date is garbage, not history. */
const MIN_MS = 946_684_800_000;
const MAX_MS = 253_402_300_800_000;

/**
 * An ISO 8601 / RFC 3339 date as loggers really write it: `T` or a space, `.` or `,` before
 * 1 to 9 fractional digits (Log4j writes `,028`, Go and Vector nanoseconds), and a zone `Z`,
 * `+01:00`, `+0100` or `+01`. No zone means UTC: a log line has no other clock to refer to.
 */
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

function parseIsoDate(value: string): number | undefined {
  const m = ISO_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined;
  const ms = fraction === undefined ? 0 : Math.trunc(Number(`0.${fraction}`) * 1000);
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    if (zone.startsWith('-')) offsetMinutes = -offsetMinutes;
  }
  const utc = Date.UTC(Number(y), month - 1, day, hour, minute, second, ms);
  return utc - offsetMinutes * 60_000;
}

/**
 * Epoch milliseconds from a number in seconds, milliseconds, microseconds or nanoseconds,
 * told apart by magnitude (any of them lands between 2000 and 9999 in only one unit up to
 * the year 5138), or from a numeric string of the same, or from an ISO date (see ISO_DATE).
 */
function fromEpoch(n: number): number | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  if (n < 1e11) return n * 1_000;
  if (n < 1e14) return n;
  if (n < 1e17) return n / 1_000;
  return n / 1_000_000;
}

export function parseSourceTimestamp(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = fromEpoch(value);
  else if (typeof value === 'string') {
    const trimmed = value.trim();
    // Nanosecond strings exceed a double's integer precision; the loss is below a microsecond.
    ms = /^\d{9,20}(\.\d+)?$/.test(trimmed) ? fromEpoch(Number(trimmed)) : parseIsoDate(trimmed);
  }
  return ms !== undefined && ms >= MIN_MS && ms < MAX_MS ? Math.trunc(ms) : undefined;
}

/**
 * Applies the time policy to finished events. Expired ones are dropped and counted; one beyond
 * the future limit rejects the whole line; `future` adds the flag.
 */
export function applyTimePolicy(
  events: readonly IndexableEvent[],
  ctx: NormaliseContext,
): Normalised {
  const kept: IndexableEvent[] = [];
  let expired = 0;
  for (const event of events) {
    const verdict = judgeTimestamp(Date.parse(event.doc['@timestamp']), ctx.nowMs, ctx.time);
    if (verdict === 'expired') expired += 1;
    else if (verdict === 'too_far_in_future')
      return reject('timestamp_too_far_in_future', [
        { path: '@timestamp', message: 'later than the accepted clock skew' },
      ]);
    else if (verdict === 'future') {
      const flags = new Set(event.doc.ariane.flags ?? []).add('future_timestamp');
      kept.push({
        precedence: event.precedence,
        doc: { ...event.doc, ariane: { ...event.doc.ariane, flags: [...flags] } },
      });
    } else kept.push(event);
  }
  if (kept.length === 0) return { kind: 'expired', count: expired };
  return { kind: 'events', events: kept, expired };
}
