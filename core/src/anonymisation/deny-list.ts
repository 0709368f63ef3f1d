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
  /**
   * The selector values among `tokens` (the words of a record ingest could not parse, so a dead
   * letter) that an active entry of `tenant` names, whatever the entry's time range (a dead
   * letter has no trusted event time), with the entry's operation. An unattributed dead letter
   * (`tenant` undefined) matches entries of every tenant, as the operations rewrite those too.
   */
  matchTokens(
    tokens: Iterable<string>,
    tenant: string | undefined,
  ): { readonly value: string; readonly operationId: string }[];
}

export const EMPTY_DENY_LIST: DenyList = Object.freeze({
  match: () => undefined,
  matchTokens: () => [],
});
