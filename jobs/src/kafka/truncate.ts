import type { Logger } from '../../../core/src/observability/logger.js';
import type { JobMetrics } from '../metrics.js';
import type { DiskSettings, LogAdmin } from './log-admin.js';
import {
  afterMarker,
  isFullyTruncated,
  partitionKey,
  planSegmentRolls,
  type IdleObservations,
} from './segment-roll.js';
import {
  commitRange,
  indexedUpToEnd,
  planTruncation,
  type GroupCommits,
  type OffsetsByPartition,
  type PartitionDeletion,
  type PartitionSkip,
  type TopicWatermarks,
} from './truncation-plan.js';

export interface TruncationDeps {
  readonly log: LogAdmin;
  readonly logger: Logger;
  readonly metrics?: JobMetrics;
}

export interface TruncationSettings {
  /** The input topics: `<prefix>.gateway` and `<prefix>.services`. */
  readonly topics: readonly string[];
  /** Ingest's group first, then every group declared in KAFKA_RETAINING_GROUPS. */
  readonly groups: readonly string[];
  /**
   * Topics whose records are in Elasticsearch before they are on the topic (`<prefix>.dead-letter`:
   * ingest writes the dead-letter index first): truncated to their end, whatever any group read.
   */
  readonly indexedTopics?: readonly string[];
  /**
   * Append a segment-roll marker to a partition left fully truncated and idle for `segment.ms`
   * (segment-roll.ts), so its last segment leaves the disk too. Needs write permission on the
   * topics (KAFKA_ROLL_IDLE_SEGMENTS).
   */
  readonly rollIdleSegments?: boolean;
}

/** One partition after a run: where its log starts now and what the known groups committed. */
export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** Log start offset once the run is over: nothing below it can be read any more. */
  readonly logStart: bigint;
  readonly high: bigint;
  /** The lowest commit among the known groups, when every one of them has committed. */
  readonly lowestCommit?: bigint;
}

export interface TruncationReport {
  readonly at: Date;
  readonly deletions: readonly PartitionDeletion[];
  readonly skipped: readonly PartitionSkip[];
  readonly partitions: readonly PartitionState[];
  /** Segment-roll markers appended by this run, at these offsets. */
  readonly markers: readonly { topic: string; partition: number; offset: bigint }[];
}

/**
 * The truncation job: DeleteRecords on every partition of the input topics up to what every
 * known group has committed (`planTruncation` decides), and on the dead-letter topic up to its
 * end (the dead-letter index holds every record on it). Runs on its schedule and at the end of
 * every anonymisation operation. Needs no lease: DeleteRecords only ever moves a log start offset
 * forward, so two instances running at once agree. Remembers the high watermarks it saw, which
 * is how a topic recreated between two runs is recognised, and for how long a partition has
 * been idle. The marker is left for the next run to truncate, like any record: deleting it at once
 * would move the log start past what ingest and the retaining groups have committed. The old
 * segment goes without that, as the log start already is the marker's offset.
 */
export class KafkaTruncator {
  private previousHigh: OffsetsByPartition | undefined;
  private idle: IdleObservations = new Map();

  constructor(
    private readonly deps: TruncationDeps,
    readonly settings: TruncationSettings,
  ) {}

  async run(now: Date): Promise<TruncationReport> {
    const { log, logger, metrics } = this.deps;
    const { topics: inputTopics, groups: groupIds, indexedTopics = [] } = this.settings;
    const topics = [...inputTopics, ...indexedTopics];
    const watermarks: TopicWatermarks[] = [];
    for (const topic of topics) watermarks.push({ topic, partitions: await log.watermarks(topic) });
    const inputMarks = watermarks.filter(({ topic }) => inputTopics.includes(topic));
    const indexedMarks = watermarks.filter(({ topic }) => indexedTopics.includes(topic));
    const groups: GroupCommits[] = [];
    for (const groupId of groupIds)
      groups.push({ groupId, committed: await log.committed(groupId, inputTopics) });
    const previous = this.previousHigh && { previousHigh: this.previousHigh };
    const input = planTruncation({ topics: inputMarks, groups, ...previous });
    const indexedGroup = indexedUpToEnd('(elasticsearch)', indexedMarks);
    const indexed = planTruncation({ topics: indexedMarks, groups: [indexedGroup], ...previous });
    const plan = {
      deletions: [...input.deletions, ...indexed.deletions],
      skipped: [...input.skipped, ...indexed.skipped],
      lag: { ...input.lag, ...indexed.lag },
    };
    const commitsOf = (topic: string) => (indexedTopics.includes(topic) ? [indexedGroup] : groups);
    for (const topic of topics) {
      const deletions = plan.deletions.filter((d) => d.topic === topic);
      await log.deleteRecords(
        topic,
        deletions.map(({ partition, to }) => ({ partition, offset: to })),
      );
      const truncated = deletions.reduce((sum, d) => sum + (d.to - d.from), 0n);
      metrics?.kafkaRecordsTruncated.inc({ topic }, Number(truncated));
      metrics?.kafkaRecordsRetained.set({ topic }, Number(plan.lag[topic] ?? 0n));
    }
    this.previousHigh = Object.fromEntries(
      watermarks.map(({ topic, partitions }) => [
        topic,
        Object.fromEntries(partitions.map(({ partition, high }) => [partition, high])),
      ]),
    );
    const moved = new Map(plan.deletions.map((d) => [partitionKey(d.topic, d.partition), d.to]));
    const partitions: PartitionState[] = watermarks.flatMap(({ topic, partitions: marks }) =>
      marks.map(({ partition, low, high }) => {
        const commits = commitRange(commitsOf(topic), topic, partition);
        const lowest = 'missing' in commits ? undefined : commits.lowest;
        return {
          topic,
          partition,
          logStart: moved.get(partitionKey(topic, partition)) ?? low,
          high,
          ...(lowest !== undefined && { lowestCommit: lowest }),
        };
      }),
    );
    const markers = this.settings.rollIdleSegments ? await this.rollIdle(partitions, now) : [];
    const notable = plan.skipped.filter((s) => s.reason !== 'up_to_date');
    if (notable.length > 0)
      // Group ids, topics, partitions and reasons only.
      logger.warn(
        { skipped: notable.map((s) => ({ ...s, groups: s.groups?.join(',') })) },
        'Kafka partitions left untruncated',
      );
    logger.info(
      {
        partitionsTruncated: plan.deletions.length,
        recordsTruncated: plan.deletions.reduce((sum, d) => sum + (d.to - d.from), 0n).toString(),
        deletions: plan.deletions.map((d) => ({
          topic: d.topic,
          partition: d.partition,
          from: d.from.toString(),
          to: d.to.toString(),
        })),
      },
      'Kafka input topics truncated to the committed offsets',
    );
    return { at: now, deletions: plan.deletions, skipped: plan.skipped, partitions, markers };
  }

  /**
   * Appends the markers `planSegmentRolls` asks for. A failed append (no write permission, say)
   * is logged and counted, never fails the run: the truncation is done, and the partition's last
   * segment then stays until the next record or retention, as without markers.
   */
  private async rollIdle(
    partitions: readonly PartitionState[],
    now: Date,
  ): Promise<TruncationReport['markers']> {
    const { log, logger, metrics } = this.deps;
    const topics = [...new Set(partitions.filter(isFullyTruncated).map((p) => p.topic))];
    const disk = topics.length > 0 ? await log.diskSettings(topics) : undefined;
    const segmentMs = Object.fromEntries(
      Object.entries(disk?.topics ?? {}).map(([topic, own]) => [topic, own.segmentMs]),
    );
    const plan = planSegmentRolls({
      partitions,
      segmentMs,
      observations: this.idle,
      now: now.getTime(),
    });
    const observations = new Map(plan.observations);
    const markers: { topic: string; partition: number; offset: bigint }[] = [];
    for (const topic of new Set(plan.rolls.map((r) => r.topic))) {
      const wanted = plan.rolls.filter((r) => r.topic === topic).map((r) => r.partition);
      try {
        for (const { partition, offset } of await log.appendControl(
          topic,
          wanted,
          'segment-roll',
        )) {
          observations.set(partitionKey(topic, partition), afterMarker(offset, now.getTime()));
          markers.push({ topic, partition, offset });
        }
        metrics?.kafkaSegmentRollMarkers.inc({ topic, outcome: 'appended' }, wanted.length);
      } catch (error) {
        metrics?.kafkaSegmentRollMarkers.inc({ topic, outcome: 'failed' }, wanted.length);
        logger.warn(
          { err: error, topic, partitions: wanted },
          'segment-roll marker not appended; the idle partitions keep their last segment on disk',
        );
      }
    }
    this.idle = observations;
    if (markers.length > 0)
      logger.info(
        { markers: markers.map((m) => ({ ...m, offset: m.offset.toString() })) },
        'segment-roll markers appended to idle, fully truncated partitions',
      );
    return markers;
  }
}

/**
 * The longest a truncated record's bytes can stay on a broker's disk, counted from its
 * truncation, on a partition that keeps receiving records: its segment rolls on the first append
 * `segment.ms` after it opened, a retention check finds it wholly below the log start, and the
 * file goes `file.delete.delay.ms` later. Two check intervals, not one: measured on a real
 * broker with a 30 s interval, segments went up to 46 s after truncation with 5 s segments and a
 * steady trickle of appends, past a one-interval bound (36 s); the check that finds the segment
 * is not always the first one after it rolled. A partition that receives nothing more keeps its
 * last segment until one arrives, or a segment-roll marker (`idleDiskErasureBoundMs`), or until
 * `retention.ms` (the safety net).
 */
export function diskErasureBoundMs(settings: DiskSettings, topics: readonly string[]): number {
  let worst = 0;
  for (const topic of topics) {
    const own = settings.topics[topic];
    if (!own) continue;
    worst = Math.max(worst, own.segmentMs + own.fileDeleteDelayMs);
  }
  return worst + 2 * settings.checkIntervalMs;
}

/**
 * The same bound on a partition that receives nothing after its last truncation, when the jobs
 * append segment-roll markers: the run that truncated it saw its high watermark, a run
 * `segment.ms` later at the latest finds it unmoved (up to one truncation period, `periodMs`,
 * after that) and appends the marker, which rolls the segment at once; then the same two checks
 * and file delay. Counted from the partition's last truncation; a jobs restart in between starts
 * the idle clock again.
 */
export function idleDiskErasureBoundMs(
  settings: DiskSettings,
  topics: readonly string[],
  periodMs: number,
): number {
  return diskErasureBoundMs(settings, topics) + periodMs;
}
