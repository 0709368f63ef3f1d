import { z } from 'zod';
import { smallIndexMappings } from '../es/small-indices.js';
import { looksPersonal } from './scrub.js';
import { AnonymisationSelectorSchema, SelectorTypeSchema } from './selector.js';

/**
 * Anonymisation operations, shared by the query API (which queues them) and the jobs service
 * (which runs them). The operation document never holds the selector's value: only its type and
 * time range. The value lives in `<prefix>-anonymisation-requests`, one document per operation,
 * until the operation ends; the job then deletes it and expunges that index's segments
 * (docs/adr/002-anonymisation-and-retention.md). This module holds the schemas and contracts;
 * `operation-log.ts` is the one module that reads and writes those two indices.
 */

export const REASON_MAX_LENGTH = 200;

/**
 * The officer's reason is free text stored for audit, so it must not carry personal data: it is
 * meant to be a ticket reference and a short motive. Anything the scrubber would remove (e-mail,
 * IP, token, UUID, long number) is refused rather than silently stored.
 */
export const AnonymisationReasonSchema = z
  .string()
  .trim()
  .min(3)
  .max(REASON_MAX_LENGTH)
  .refine((reason) => !looksPersonal(reason), {
    message: 'the reason must not contain personal data (e-mail, IP, token, id, long number)',
  });

export const AnonymisationRequestSchema = z
  .object({ selector: AnonymisationSelectorSchema, reason: AnonymisationReasonSchema })
  .strict()
  .refine((request) => !request.reason.includes(request.selector.value), {
    message: 'the reason must not repeat the selector value',
    path: ['reason'],
  });
export type AnonymisationRequest = z.infer<typeof AnonymisationRequestSchema>;

export const OPERATION_STATUSES = ['pending', 'running', 'done', 'failed'] as const;
export const OperationStatusSchema = z.enum(OPERATION_STATUSES);
export type OperationStatus = z.infer<typeof OperationStatusSchema>;

const isoDate = z.iso.datetime({ offset: true });

/** Kafka offsets are int64: kept as decimal strings. */
const offset = z.string().regex(/^\d+$/);

/**
 * One partition of an input topic once the operation truncated it. Passed when its log now starts
 * at or past ingest's commit at the start of the operation: every record Elasticsearch held then
 * (the ones the rewrite covered) can no longer be read from Kafka.
 */
export const KafkaPartitionProofSchema = z.object({
  topic: z.string(),
  partition: z.number().int().nonnegative(),
  /** Ingest's committed offset when the operation started; absent when it had none. */
  committedAtStart: offset.optional(),
  logStartOffset: offset,
  highWatermark: offset,
  /** Records still readable, [logStartOffset, highWatermark): not yet committed by every group. */
  tailRecords: z.number().int().nonnegative(),
  /** How many of those were read, and how many hold the selector value (never the value). */
  tailScanned: z.number().int().nonnegative(),
  tailMatches: z.number().int().nonnegative(),
  passed: z.boolean(),
});
export type KafkaPartitionProof = z.infer<typeof KafkaPartitionProofSchema>;

/**
 * The dead-letter index after the operation: every dead letter of the tenant, or of no known
 * tenant, that held the selector value was rewritten with its payload scrubbed, and a merge left
 * no deleted document (an old version) on any shard copy. Counts only, never a value.
 */
export const DeadLetterProofSchema = z.object({
  index: z.string(),
  /** Dead letters of the tenant or of no known tenant, read on the last check. */
  scanned: z.number().int().nonnegative(),
  rewritten: z.number().int().nonnegative(),
  /** Of the scanned, how many still hold the value (0 to pass). */
  remaining: z.number().int().nonnegative(),
  /** Deleted documents left on the index's shard copies, primaries and replicas (0 to pass). */
  deletedOnDisk: z.number().int().nonnegative(),
  checks: z.number().int().nonnegative(),
  passed: z.boolean(),
});
export type DeadLetterProof = z.infer<typeof DeadLetterProofSchema>;

/** One result per copy Ariane holds. */
export const CopyVerificationsSchema = z.object({
  elasticsearch: z.object({
    indices: z.array(z.string()),
    checks: z.number().int().nonnegative(),
    passed: z.boolean(),
  }),
  /**
   * The input topics and the dead-letter topic, per partition. Absent when Kafka truncation is
   * off (KAFKA_TRUNCATE_ENABLED=false).
   */
  kafka: z.array(KafkaPartitionProofSchema).optional(),
  /** Absent only on operations that ended before dead letters were indexed. */
  deadLetters: DeadLetterProofSchema.optional(),
});
export type CopyVerifications = z.infer<typeof CopyVerificationsSchema>;

export const VerificationSchema = z.object({
  passed: z.boolean(),
  /** Number of individual checks run (searches, term lookups, source scans, segment stats). */
  checks: z.number().int().nonnegative(),
  /** Which checks failed, as `<check>:<index>[:<field>]`; never a value. */
  failures: z.array(z.string()),
  copies: CopyVerificationsSchema.optional(),
});
export type Verification = z.infer<typeof VerificationSchema>;

/**
 * When each copy went. Kafka's on-disk deletion is not observable through Kafka's API, so it is
 * given as the deadline the topic and broker settings guarantee on a partition that keeps
 * receiving records (README, "Kafka is a buffer, not a store").
 */
export const ErasureTimesSchema = z.object({
  /** Every shard copy of every events index the operation touched holds the value in no segment. */
  eventsOnDiskAt: isoDate.optional(),
  /** The dead-letter index's proof passed (see DeadLetterProofSchema). */
  deadLettersAt: isoDate.optional(),
  /** Both of the above, and the events' verification (term, search and `_source` checks). */
  elasticsearchAt: isoDate,
  /** From then on no truncated record can be read from Kafka. */
  kafkaTruncatedAt: isoDate.optional(),
  /** By then the truncated records' segment files are deleted. */
  kafkaOffDiskBy: isoDate.optional(),
  /** From the request to the last of these. */
  timeToErasureMs: z.number().int().nonnegative(),
});
export type ErasureTimes = z.infer<typeof ErasureTimesSchema>;

export const OperationErrorSchema = z.object({ code: z.string(), message: z.string() });

export const OperationResultSchema = z.object({
  eventsMatched: z.number().int().nonnegative(),
  eventsAnonymised: z.number().int().nonnegative(),
  /** Matching documents that could not be parsed as events and were deleted instead. */
  eventsDeleted: z.number().int().nonnegative(),
  indicesTouched: z.array(z.string()),
  verification: VerificationSchema.optional(),
  erasure: ErasureTimesSchema.optional(),
  errors: z.array(OperationErrorSchema),
});
export type OperationResult = z.infer<typeof OperationResultSchema>;

export const OperationSchema = z.object({
  operationId: z.string(),
  kind: z.literal('anonymisation'),
  tenant: z.string(),
  requestedBy: z.string(),
  reason: z.string(),
  selector: z.object({
    type: SelectorTypeSchema,
    from: isoDate.optional(),
    to: isoDate.optional(),
  }),
  status: OperationStatusSchema,
  createdAt: isoDate,
  updatedAt: isoDate,
  startedAt: isoDate.optional(),
  finishedAt: isoDate.optional(),
  attempts: z.number().int().nonnegative(),
  progress: z.object({
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
  result: OperationResultSchema.optional(),
});
export type Operation = z.infer<typeof OperationSchema>;

/** Exported for the Kibana Compliance dashboard's field check (dashboards/src/panels.ts). */
export const AUDIT_MAPPINGS = smallIndexMappings('audit');

export interface NewOperation {
  readonly tenant: string;
  readonly requestedBy: string;
  readonly request: AnonymisationRequest;
}

export interface OperationPage {
  readonly total: number;
  readonly items: Operation[];
}

/**
 * What the query API needs to queue and read operations. Contract: every method resolves with
 * the answer or rejects with an ArianeError (ARIANE_STORE_UNAVAILABLE when Elasticsearch fails).
 */
export interface OperationStore {
  queue(input: NewOperation): Promise<Operation>;
  find(operationId: string, tenant: string): Promise<Operation | undefined>;
  list(
    tenant: string,
    page: { readonly limit: number; readonly offset: number },
  ): Promise<OperationPage>;
}
