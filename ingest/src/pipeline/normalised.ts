import type { z } from 'zod';
import type { DeadLetterIssue, DeadLetterReason } from '../../../core/src/schemas/dead-letter.js';
import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';

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

/** An OTLP export can hold no log record at all: nothing to index, nothing wrong. */
export type SkipReason = 'axway_trace' | 'axway_event_log_metadata' | 'no_log_records';

export interface Rejection {
  readonly reason: DeadLetterReason;
  readonly issues: readonly DeadLetterIssue[];
}

/**
 * What became of one record. A record holding several lines (an OTLP export) whose lines did not
 * all pass is `events` with `rejected` set: its good lines are indexed and the record is also
 * dead-lettered with the first failing line's reason, so nothing is lost and a replay of the
 * dead letter lands on the same documents.
 */
export type Normalised =
  | {
      readonly kind: 'events';
      readonly events: readonly IndexableEvent[];
      readonly expired: number;
      readonly rejected?: Rejection;
    }
  | { readonly kind: 'skipped'; readonly reason: SkipReason }
  | { readonly kind: 'expired'; readonly count: number }
  | ({ readonly kind: 'rejected' } & Rejection);

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
