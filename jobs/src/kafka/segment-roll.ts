/**
 * When to append a segment-roll marker (core/src/kafka/control-record.ts) to a partition. Kafka
 * deletes whole closed segments only, and closes (rolls) the active one only on an append made
 * `segment.ms` after its first record: a partition that stops receiving records keeps its last
 * segment, truncated and unreadable but on disk, until retention. A marker appended once that
 * time has passed rolls it; the old segment then lies wholly below the log start (which the
 * truncation already moved to the marker's offset) and goes at the broker's next checks.
 *
 * kafkajs cannot read a segment's age (no DescribeLogDirs), so it is inferred from high watermarks
 * seen by this process: a partition whose high watermark has not moved for `segment.ms` received
 * its last record, and so its active segment its first, at least `segment.ms` ago, and the marker
 * is sure to roll it. A restart forgets the observations, which only delays the marker.
 */

/** A partition as the truncation left it. */
export interface RollCandidate {
  readonly topic: string;
  readonly partition: number;
  readonly logStart: bigint;
  readonly high: bigint;
}

/** What this process saw of a partition's high watermark. */
export interface IdleObservation {
  readonly high: bigint;
  /** Epoch ms of the first run that saw this high watermark. */
  readonly since: number;
  /** The last record below `high` is our own marker: another would only roll the marker's segment. */
  readonly marker: boolean;
}

/** Observations by `topic:partition`. */
export type IdleObservations = ReadonlyMap<string, IdleObservation>;

export interface RollInput {
  readonly partitions: readonly RollCandidate[];
  /** `segment.ms` per topic; a topic absent here gets no marker. */
  readonly segmentMs: Readonly<Record<string, number>>;
  readonly observations: IdleObservations;
  readonly now: number;
}

export interface RollPlan {
  /** Partitions to append a marker to, in input order. */
  readonly rolls: readonly { readonly topic: string; readonly partition: number }[];
  /** The observations to keep for the next run (the partitions of this one only). */
  readonly observations: IdleObservations;
}

export const partitionKey = (topic: string, partition: number): string => `${topic}:${partition}`;

/** Nothing readable remains on the partition, and something was written to it once. */
export const isFullyTruncated = ({ logStart, high }: Pick<RollCandidate, 'logStart' | 'high'>) =>
  high > 0n && logStart === high;

/**
 * Pure: a partition gets a marker when nothing readable remains on it (log start = high
 * watermark > 0), its high watermark has not moved for its topic's `segment.ms`, and its last
 * record is not already our marker.
 */
export function planSegmentRolls(input: RollInput): RollPlan {
  const rolls: { topic: string; partition: number }[] = [];
  const observations = new Map<string, IdleObservation>();
  for (const candidate of input.partitions) {
    const { topic, partition, high } = candidate;
    const key = partitionKey(topic, partition);
    const seen = input.observations.get(key);
    const observation = seen?.high === high ? seen : { high, since: input.now, marker: false };
    observations.set(key, observation);
    const segmentMs = input.segmentMs[topic];
    if (
      segmentMs !== undefined &&
      isFullyTruncated(candidate) &&
      !observation.marker &&
      input.now - observation.since >= segmentMs
    )
      rolls.push({ topic, partition });
  }
  return { rolls, observations };
}

/** The observation after our marker went to offset `offset`: the high watermark is past it. */
export function afterMarker(offset: bigint, now: number): IdleObservation {
  return { high: offset + 1n, since: now, marker: true };
}
