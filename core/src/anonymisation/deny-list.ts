import type { TraceEvent } from '../schemas/trace-event.js';

/**
 * The seam between ingest and the anonymisation requests. Events for an anonymised selector can
 * still arrive after the operation ran (Kafka backlog, a delayed producer, a replay); ingest asks
 * the deny list about every event before indexing it and anonymises the ones that match.
 *
 * Implementations keep no clear selector values, expire entries with the retention window, and
 * answer from memory: `match` is on the ingest hot path and must not do I/O.
 */
export interface DenyList {
  /** The id of the anonymisation operation whose selector matches this event, if any. */
  match(event: TraceEvent): string | undefined;
}

export const EMPTY_DENY_LIST: DenyList = Object.freeze({ match: () => undefined });
