/**
 * Control records: records Ariane itself appends to its topics, carrying no log line and no
 * personal data. A record is one when it has the header `CONTROL_HEADER`; its value names the
 * kind. Every reader of the topics skips them: ingest commits past them without indexing or
 * dead-lettering them, and every group declared in KAFKA_RETAINING_GROUPS must do the same.
 */
export const CONTROL_HEADER = 'ariane-control';

/**
 * `segment-roll`: appended by the jobs to an idle partition whose records are all truncated, so
 * that Kafka rolls the segment still holding their bytes (it rolls only on an append) and deletes
 * it (jobs/src/kafka/segment-roll.ts). The record's value is empty.
 */
export const CONTROL_KINDS = ['segment-roll'] as const;
export type ControlKind = (typeof CONTROL_KINDS)[number];

/** The kind a header value names, or `unknown` for a kind this version does not know. */
export function controlKind(value: string): ControlKind | 'unknown' {
  return (CONTROL_KINDS as readonly string[]).includes(value) ? (value as ControlKind) : 'unknown';
}
