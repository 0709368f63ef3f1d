import { dayOfEventsIndex } from '../../../core/src/es/index-names.js';

const DAY_MS = 86_400_000;

/**
 * The instant before which no event may remain: exactly `retentionDays` × 24 h before `now`.
 * Computed on epoch milliseconds, so neither the process time zone nor DST can move it, and it
 * advances with every run (not once a day at midnight): an hourly run keeps the oldest event at
 * most one period past the window.
 */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/** What Elasticsearch told us about one event index. Timestamps are absent for empty indices. */
export interface EventIndexState {
  readonly name: string;
  readonly closed: boolean;
  readonly docs: number;
  readonly oldest?: Date;
  readonly newest?: Date;
}

export interface RetentionPlan {
  /** Whole indices to delete, by name: their UTC day and their newest event are both past. */
  readonly deleteIndices: readonly EventIndexState[];
  /** Indices kept that still hold at least one event older than the cut-off. */
  readonly pruneIndices: readonly string[];
  /** Names under the events prefix that are not a real `YYYY.MM.DD` day: never touched. */
  readonly ignored: readonly string[];
}

/**
 * Decides from the index NAME (its UTC day) and its newest `@timestamp`, never from its creation
 * date: a late event that re-created an old day's index is still old. An index is deleted only
 * when its whole day ends at or before the cut-off and nothing in it is newer than the cut-off
 * (a closed index cannot be searched, so its name decides). Everything else that holds older
 * events is pruned document by document.
 */
export function planRetention(
  indices: readonly EventIndexState[],
  cutoff: Date,
  eventsPrefix: string,
): RetentionPlan {
  const deleteIndices: EventIndexState[] = [];
  const pruneIndices: string[] = [];
  const ignored: string[] = [];
  for (const index of [...indices].sort((a, b) => a.name.localeCompare(b.name))) {
    const day = dayOfEventsIndex(index.name, eventsPrefix);
    if (!day) {
      ignored.push(index.name);
      continue;
    }
    const dayIsPast = day.getTime() + DAY_MS <= cutoff.getTime();
    const contentIsPast = index.closed || !index.newest || index.newest < cutoff;
    if (dayIsPast && contentIsPast) deleteIndices.push(index);
    else if (!index.closed && index.oldest && index.oldest < cutoff) pruneIndices.push(index.name);
  }
  return { deleteIndices, pruneIndices, ignored };
}
