/**
 * Kafka is a transport buffer, not a store: once ingest has committed a record, Elasticsearch
 * holds it and Kafka no longer needs it. This module decides, without touching Kafka, up to
 * which offset each partition of the input topics may be truncated (DeleteRecords). The rule is
 * conservative everywhere it cannot be sure:
 *
 * - never past the LOWEST committed offset of every group Ariane knows of (ingest's, plus the
 *   groups declared in KAFKA_RETAINING_GROUPS), so no group loses a record it has not read;
 * - nothing on a partition where one of those groups has no commit: that group would start from
 *   the earliest offset, so everything is still needed;
 * - nothing on a partition that looks recreated: a committed offset beyond the high watermark,
 *   or a high watermark lower than the one seen before. The commits then belong to the old topic
 *   and say nothing about the new records. (kafkajs cannot read topic ids, so this is the
 *   evidence there is; a recreated topic that has already grown past the old offsets is not
 *   detected, and then the commits, which ingest resets on its first fetch, are what bounds it.)
 */

/** One partition's log start (low) and end (high) offsets. */
export interface PartitionWatermarks {
  readonly partition: number;
  readonly low: bigint;
  readonly high: bigint;
}

export interface TopicWatermarks {
  readonly topic: string;
  readonly partitions: readonly PartitionWatermarks[];
}

/** Offsets per topic, then per partition. */
export type OffsetsByPartition = Readonly<Record<string, Readonly<Record<number, bigint>>>>;

/** A group's committed offsets: the next offset it will read. A missing entry is no commit. */
export interface GroupCommits {
  readonly groupId: string;
  readonly committed: OffsetsByPartition;
}

export interface TruncationInput {
  readonly topics: readonly TopicWatermarks[];
  /** Ingest's group and every declared retaining group, whether or not they committed. */
  readonly groups: readonly GroupCommits[];
  /** High watermarks seen by the previous run, when there was one. */
  readonly previousHigh?: OffsetsByPartition;
}

/** Records [from, to) of a partition to delete: DeleteRecords with offset `to`. */
export interface PartitionDeletion {
  readonly topic: string;
  readonly partition: number;
  readonly from: bigint;
  readonly to: bigint;
}

export const SKIP_REASONS = [
  /** Every record below the lowest commit is already gone. */
  'up_to_date',
  /** A known group has no commit here: it still needs everything. */
  'no_commit',
  /** The lowest commit is below the log start: records went to retention before being read. */
  'behind_log_start',
  /** A commit beyond the high watermark, or the high watermark went down: a new topic. */
  'recreated',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface PartitionSkip {
  readonly topic: string;
  readonly partition: number;
  readonly reason: SkipReason;
  /** For `no_commit`: the groups without a commit (group ids, no content). */
  readonly groups?: readonly string[];
}

export interface TruncationPlan {
  readonly deletions: readonly PartitionDeletion[];
  readonly skipped: readonly PartitionSkip[];
  /** Records not yet committed by every known group, per topic. */
  readonly lag: Readonly<Record<string, bigint>>;
}

/**
 * The lowest and highest committed offsets among `groups` on one partition, or the groups that
 * have no commit there (a negative offset is Kafka's "none").
 */
export function commitRange(
  groups: readonly GroupCommits[],
  topic: string,
  partition: number,
): { lowest: bigint; highest: bigint } | { missing: string[] } {
  const missing: string[] = [];
  const offsets: bigint[] = [];
  for (const group of groups) {
    const offset = group.committed[topic]?.[partition];
    if (offset === undefined || offset < 0n) missing.push(group.groupId);
    else offsets.push(offset);
  }
  if (missing.length > 0 || offsets.length === 0) return { missing };
  const lowest = offsets.reduce((a, b) => (b < a ? b : a));
  const highest = offsets.reduce((a, b) => (b > a ? b : a));
  return { lowest, highest };
}

/** Pure: what DeleteRecords may remove now. Partitions are listed in topic, partition order. */
export function planTruncation(input: TruncationInput): TruncationPlan {
  const deletions: PartitionDeletion[] = [];
  const skipped: PartitionSkip[] = [];
  const lag: Record<string, bigint> = {};
  const topics = [...input.topics].sort((a, b) => a.topic.localeCompare(b.topic));
  for (const { topic, partitions } of topics) {
    lag[topic] = 0n;
    for (const { partition, low, high } of [...partitions].sort(
      (a, b) => a.partition - b.partition,
    )) {
      const skip = (reason: SkipReason, groups?: string[]) =>
        skipped.push({ topic, partition, reason, ...(groups && { groups }) });
      const previous = input.previousHigh?.[topic]?.[partition];
      const commits = commitRange(input.groups, topic, partition);
      if ('missing' in commits) {
        lag[topic] += high - low;
        skip('no_commit', commits.missing);
        continue;
      }
      const offset = commits.lowest;
      if (commits.highest > high || (previous !== undefined && high < previous)) {
        skip('recreated');
        continue;
      }
      lag[topic] += high - (offset > low ? offset : low);
      if (offset < low) skip('behind_log_start');
      else if (offset === low) skip('up_to_date');
      else deletions.push({ topic, partition, from: low, to: offset });
    }
  }
  return { deletions, skipped, lag };
}

/**
 * The commits of a topic whose records are all in Elasticsearch by the time they are on the topic
 * (the dead-letter topic: ingest writes the dead-letter index first): as if a group had read it to
 * its end. `planTruncation` then truncates it to its high watermarks, and still leaves a topic
 * that looks recreated alone.
 */
export function indexedUpToEnd(groupId: string, topics: readonly TopicWatermarks[]): GroupCommits {
  return {
    groupId,
    committed: Object.fromEntries(
      topics.map(({ topic, partitions }) => [
        topic,
        Object.fromEntries(partitions.map(({ partition, high }) => [partition, high])),
      ]),
    ),
  };
}
