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

/** Epoch milliseconds from an epoch-ms number or an ISO 8601 date with offset. */
export function parseSourceTimestamp(value: unknown): number | undefined {
  let ms: number;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) ms = Date.parse(value);
  else if (typeof value === 'string' && /^\d{12,14}$/.test(value)) ms = Number(value);
  else return undefined;
  // Dates before 2000 or after 9999 are garbage, not history.
  return Number.isFinite(ms) && ms >= 946_684_800_000 && ms < 253_402_300_800_000
    ? Math.trunc(ms)
    : undefined;
}
