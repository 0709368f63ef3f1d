import { z } from 'zod';

/**
 * What ingest writes to the dead-letter topic for a record it could not index: why, where it
 * came from, and the payload itself so it can be inspected and replayed. One dead-letter record
 * per source record, keyed `<topic>:<partition>:<offset>` so a replayed source record produces a
 * dead-letter record with the same key (downstream readers can dedupe on it).
 *
 * `issues` carries schema paths and messages, never input values. The payload is kept as written
 * except that credentials found by text redaction are replaced (Bearer tokens, JWTs,
 * `password=`-like pairs), and it is cut to the ingest's dead-letter payload limit, with
 * `truncated` set, so a 5 MB poison record cannot make the dead-letter write fail.
 */
export const DEAD_LETTER_REASONS = [
  'too_large',
  'invalid_utf8',
  'invalid_json',
  'not_an_object',
  'partial_line',
  'schema_mismatch',
  'missing_field',
  'invalid_timestamp',
  'timestamp_too_far_in_future',
  'rejected_by_store',
] as const;
export const DeadLetterReasonSchema = z.enum(DEAD_LETTER_REASONS);
export type DeadLetterReason = z.infer<typeof DeadLetterReasonSchema>;

/** X-Tenant-Id as the query API accepts it. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export const DeadLetterIssueSchema = z.object({ path: z.string(), message: z.string() });
export type DeadLetterIssue = z.infer<typeof DeadLetterIssueSchema>;

export const DeadLetterRecordSchema = z.object({
  code: z.enum(['ARIANE_EVENT_INVALID', 'ARIANE_PAYLOAD_TOO_LARGE', 'ARIANE_EVENT_REJECTED']),
  reason: DeadLetterReasonSchema,
  issues: z.array(DeadLetterIssueSchema),
  /** Shipper envelopes recognised around the line, outermost first (filebeat, cri, otlp...). */
  envelopes: z.array(z.string()).optional(),
  /**
   * X-Tenant-Id when the payload names exactly one (a best-effort read of a record that failed
   * validation); absent when it names none or several. It decides who may see the dead letter.
   */
  tenant: z.string().regex(TENANT_ID_PATTERN).optional(),
  source: z.object({
    topic: z.string(),
    partition: z.number().int().nonnegative(),
    offset: z.string(),
  }),
  payload: z.object({
    /** `utf8` when the bytes are valid UTF-8, else `base64` of the bytes. */
    encoding: z.enum(['utf8', 'base64']),
    data: z.string(),
    /** Size of the original record value, in bytes. */
    bytes: z.number().int().nonnegative(),
    truncated: z.boolean(),
  }),
  failed_at: z.iso.datetime({ offset: true }),
  /**
   * The anonymisation that scrubbed it: the job's rewrite of a stored dead letter, or ingest
   * itself when an active deny-list entry's value was in a new one.
   */
  anonymisation_id: z.string().optional(),
});
export type DeadLetterRecord = z.infer<typeof DeadLetterRecordSchema>;

/**
 * A dead letter as `<prefix>-dead-letters` keeps it, under the id `deadLetterId` gives it. An
 * anonymisation that found its selector's value in it rewrites it in place: payload and issues
 * scrubbed, stamped with the operation's id.
 */
export const StoredDeadLetterSchema = DeadLetterRecordSchema;
export type StoredDeadLetter = z.infer<typeof StoredDeadLetterSchema>;

/** The record's source position: the same for a replay of the same source record. */
export function deadLetterId(record: Pick<DeadLetterRecord, 'source'>): string {
  return `${record.source.topic}:${record.source.partition}:${record.source.offset}`;
}
