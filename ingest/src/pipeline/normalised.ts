import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { z } from 'zod';
import type { DeadLetterIssue, DeadLetterReason } from '../../../core/src/schemas/dead-letter.js';
import type { EventFlag, TraceEvent } from '../../../core/src/schemas/trace-event.js';
import type { FieldMapping } from '../formats/field-mapping.js';
import { judgeTimestamp, type TimePolicy } from './event-time.js';

/** Where a record came from; copied into `ariane.source`, never part of an `_id`. */
export interface RecordOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface NormaliseContext {
  readonly origin: RecordOrigin;
  /** The record value as received; service and access-log ids are a hash of these bytes. */
  readonly raw: Buffer;
  readonly nowMs: number;
  readonly time: TimePolicy;
  readonly mapping: FieldMapping;
}

/**
 * Which stored copy of a document a write may replace. Axway legs and summaries can come from
 * both the open traffic log and the transaction event log under the same `_id`, and the richer
 * source must win whatever the arrival order (open traffic legs, with their raw headers;
 * event-log summaries, with `customMsgAtts`): it is `preferred`, the other one `fallback`.
 * Documents with a single source are `preferred`. A write replaces only a copy of lower
 * precedence (see the sink), so a replay or a duplicate line leaves the stored document as it
 * is rather than overwriting it with the same content: every overwrite leaves a deleted version
 * on disk, which an anonymisation of that index would then have to merge away.
 */
export type Precedence = 'preferred' | 'fallback';

export interface IndexableEvent {
  readonly doc: TraceEvent;
  readonly precedence: Precedence;
}

export type SkipReason = 'axway_trace' | 'axway_event_log_metadata';

export type Normalised =
  | {
      readonly kind: 'events';
      readonly events: readonly IndexableEvent[];
      readonly expired: number;
    }
  | { readonly kind: 'skipped'; readonly reason: SkipReason }
  | { readonly kind: 'expired'; readonly count: number }
  | {
      readonly kind: 'rejected';
      readonly reason: DeadLetterReason;
      readonly issues: readonly DeadLetterIssue[];
    };

export const reject = (
  reason: DeadLetterReason,
  issues: readonly DeadLetterIssue[] = [],
): Normalised => ({ kind: 'rejected', reason, issues });

/** Zod issues as paths and messages only: zod 4 messages describe the expectation, not the value. */
export function issuesOf(error: z.ZodError): DeadLetterIssue[] {
  return error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/**
 * A TraceEvent under construction: any field may still be undefined. `finishEvent` drops the
 * undefined fields and empty objects, so the result satisfies `exactOptionalPropertyTypes` and
 * the stored document carries no nulls. Output conformance to TraceEventSchema is checked in
 * tests, not per event in production.
 */
export type Draft<T> = T extends readonly unknown[]
  ? T | undefined
  : T extends object
    ? { [K in keyof T]?: Draft<T[K]> | undefined }
    : T | undefined;

export function finishEvent(draft: Draft<TraceEvent>): TraceEvent {
  return prune(draft) as TraceEvent;
}

function prune(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const source = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  // for...in without Object.entries: this runs for every field of every event.
  for (const key in source) {
    const child = source[key];
    const pruned = key === 'circuit_path' || typeof child !== 'object' ? child : prune(child);
    if (pruned === undefined) continue;
    (out ??= {})[key] = pruned;
  }
  return out;
}

/** Record-derived `_id`: a replay of the same bytes lands on the same document. */
export function contentId(prefix: string, raw: Buffer): string {
  return `${prefix}:${createHash('sha256').update(raw).digest('base64url').slice(0, 32)}`;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** An IP for an `ip`-typed field, or undefined: a malformed one would fail the whole document. */
export function ipOrUndefined(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return isIP(trimmed) ? trimmed : undefined;
}

/** X-Forwarded-For: the valid IPs it lists, client first. */
export function forwardedIps(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  const ips = value.split(',').flatMap((part) => ipOrUndefined(part) ?? []);
  return ips.length > 0 ? ips : undefined;
}

export function portOrUndefined(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

/** An id-like value as a string: strings and finite numbers only, at most 512 chars. */
export function idOrUndefined(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed !== '' && trimmed.length <= 512 ? trimmed : undefined;
}

export function outcomeFromHttpStatus(status: number | null | undefined) {
  if (typeof status !== 'number') return 'unknown' as const;
  return status >= 400 ? ('failure' as const) : ('success' as const);
}

/** Splits a request target into path and query; the query has its secrets redacted. */
export function splitTarget(
  target: string,
  redactQuery: (query: string) => { value: string; redacted: boolean },
): { path: string; query: string | undefined; redacted: boolean } {
  const q = target.indexOf('?');
  if (q < 0) return { path: target, query: undefined, redacted: false };
  const query = redactQuery(target.slice(q + 1));
  return { path: target.slice(0, q), query: query.value, redacted: query.redacted };
}

/** Collects flags; returns undefined when there are none, so no empty array is stored. */
export class FlagSet {
  private readonly flags = new Set<EventFlag>();
  add(flag: EventFlag, when = true): this {
    if (when) this.flags.add(flag);
    return this;
  }
  toArray(): EventFlag[] | undefined {
    return this.flags.size > 0 ? [...this.flags] : undefined;
  }
}

/**
 * Applies the time policy to finished events. Expired ones are dropped and counted; one beyond
 * the future limit rejects the whole record; `future` adds the flag.
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
