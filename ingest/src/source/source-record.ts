/**
 * What the pipeline sees of Kafka. kafkajs types stop at source/kafka-source.ts, so a later swap
 * of the Kafka client only rewrites that file.
 */
export interface SourceRecord {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit; kept as the decimal string the broker gave. */
  readonly offset: string;
  /** The record value; null for a tombstone. Keys are ignored: producers may key as they like. */
  readonly value: Buffer | null;
  /**
   * The kind named by the record's `ariane-control` header (core/src/kafka/control-record.ts):
   * a record Ariane appended itself, with no log line, which the pipeline skips and commits.
   */
  readonly control?: string;
}

/**
 * Records of one partition, in offset order, with the controls the pipeline needs. The source
 * fetches ahead while a batch is written (source/delivery-queues.ts), so the batch after this one
 * may already be queued; it is handed over only once this one's handler has returned.
 */
export interface SourceBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly SourceRecord[];
  /** Offset the next produced record will get; `highWatermark - 1 - offset` is the lag. */
  readonly highWatermark: string;
  /**
   * Marks every record up to and including `offset` as done and commits it to the group, so a
   * restart resumes after it. Resolves once the broker acknowledged the commit. Once the
   * partition was taken away it commits nothing and resolves: the next owner has the records.
   * A rejection (or any error the handler throws) makes the source fetch the partition again
   * from its first uncommitted record.
   */
  commit(offset: string): Promise<void>;
  /** Keeps the group membership alive during long retries. Throws when the group rebalances. */
  heartbeat(): Promise<void>;
  /**
   * False once the consumer is stopping or this partition was taken away: write no further
   * bulk and stop retrying; the uncommitted records are delivered again to whoever owns the
   * partition next. A bulk already stored may still be committed: on a stop that saves
   * rewriting it, after a revocation `commit` ignores it.
   */
  isActive(): boolean;
}
