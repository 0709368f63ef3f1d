import type { Logger } from '../../../core/src/observability/logger.js';
import type { SourceBatch, SourceRecord } from './source-record.js';

/**
 * What a Kafka client hands over after a fetch: one partition's records, in offset order, and
 * the client's own controls for that partition. Client-neutral, like SourceBatch.
 */
export interface FetchedRecords {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly SourceRecord[];
  readonly highWatermark: string;
  /** Commits `offset` (the next record to read) for the partition to the group. */
  commit(nextOffset: string): Promise<void>;
  /** Keeps the group membership alive; throws when the group rebalances. */
  heartbeat(): Promise<void>;
  /**
   * Makes the client fetch the partition again from `offset`: the records handed over after it
   * are forgotten and will come again. Does not commit.
   */
  rewind(offset: string): void;
  /**
   * True when these records were fetched before the partition's last rewind took effect; they
   * are not taken (taking them would skip the rewound records).
   */
  isStale(): boolean;
}

export interface DeliveryQueueSettings {
  /**
   * A partition's queue takes another fetch only while it holds fewer than this many bytes of
   * record values: the bound is the back-pressure on fetching. At most one fetch more than the
   * bound is held per partition, besides the records being written.
   */
  readonly maxBytesPerPartition: number;
  /** Partitions written at once (each writes one bulk at a time, in offset order). */
  readonly writers: number;
  /** Pause after a writer failed, before its partition is fetched and written again. */
  readonly retryMs: number;
}

export interface DeliveryQueues {
  /**
   * Queues fetched records and resolves as soon as they are queued, so the client can fetch the
   * next round while writers work. While the partition's queue is at its bound it waits for
   * room, heartbeating; a heartbeat failure (rebalance) rejects. False when the records were
   * not taken (the queues are stopping, or the assignment changed while waiting): the client
   * must not move its fetch position past them.
   */
  push(fetched: FetchedRecords): Promise<boolean>;
  /**
   * The group's assignment changed (a rebalance began, the member rejoined or crashed): every
   * queued record is dropped and every writer stops before its next commit. The records come
   * again from the committed offsets, to whichever member owns their partition now.
   */
  revokeAll(): void;
  /**
   * Stops intake and drops what is queued; writers finish the bulk in flight and commit it,
   * then stop. Resolves when no writer runs, a revoked assignment's included.
   */
  stop(): Promise<void>;
  /** Records queued (not yet handed to a writer), all partitions together. */
  queuedRecords(): number;
}

const HEARTBEAT_EVERY_MS = 3_000;

interface PartitionState {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  /** The assignment this state belongs to; a state of an older one is dead. */
  readonly epoch: number;
  chunks: SourceRecord[][];
  bytes: number;
  records: number;
  /** First offset not yet queued, so a record is never queued twice. */
  nextOffset: bigint | undefined;
  latest: FetchedRecords | undefined;
  writer: Promise<void> | undefined;
  roomWaiters: (() => void)[];
}

/**
 * Decouples fetching from writing, behind the SourceBatch seam. A Kafka client pushes each
 * fetched partition batch into that partition's bounded queue and goes on fetching; one writer
 * per partition takes everything queued as one SourceBatch and hands it to `handle` (normalise,
 * bulk, commit), so offsets are committed by the writer, in order. At most `writers` partitions
 * are written at once.
 *
 * Exactly once rests on three rules: a writer commits only what `handle` stored, and only while
 * the assignment it was queued under still holds (`revokeAll` ends it); a revoked partition's
 * queued records are dropped, never written by an old owner after the new one started; a writer
 * that fails rewinds its partition to the first record it did not commit, so the client fetches
 * it again.
 */
export function createDeliveryQueues(
  settings: DeliveryQueueSettings,
  handle: (batch: SourceBatch) => Promise<void>,
  logger: Logger,
): DeliveryQueues {
  let epoch = 0;
  let stopping = false;
  const partitions = new Map<string, PartitionState>();
  /**
   * Every writer still running, those of revoked assignments included: a revoked writer may
   * still be finishing a bulk or a commit the client retries, and must be done before the
   * client disconnects, or its next heartbeat or retry would open a connection again.
   */
  const running = new Set<Promise<void>>();
  const slots = createSlots(settings.writers);

  const current = (state: PartitionState) => state.epoch === epoch && !stopping;

  const wakeRoomWaiters = (state: PartitionState) => {
    const waiters = state.roomWaiters;
    state.roomWaiters = [];
    for (const wake of waiters) wake();
  };

  const dropQueued = (state: PartitionState) => {
    state.chunks = [];
    state.bytes = 0;
    state.records = 0;
    wakeRoomWaiters(state);
  };

  const stateOf = (topic: string, partition: number): PartitionState => {
    const key = `${topic}\u0000${partition}`;
    const existing = partitions.get(key);
    if (existing && existing.epoch === epoch) return existing;
    const fresh: PartitionState = {
      key,
      topic,
      partition,
      epoch,
      chunks: [],
      bytes: 0,
      records: 0,
      nextOffset: undefined,
      latest: undefined,
      writer: undefined,
      roomWaiters: [],
    };
    partitions.set(key, fresh);
    return fresh;
  };

  /** Waits until the queue has room or the state is no longer current, heartbeating. */
  const waitForRoom = async (state: PartitionState, fetched: FetchedRecords) => {
    while (current(state) && state.bytes >= settings.maxBytesPerPartition) {
      let timer: NodeJS.Timeout | undefined;
      const heartbeatDue = new Promise<'heartbeat'>((resolve) => {
        timer = setTimeout(() => resolve('heartbeat'), HEARTBEAT_EVERY_MS);
      });
      const room = new Promise<'room'>((resolve) => state.roomWaiters.push(() => resolve('room')));
      const woke = await Promise.race([heartbeatDue, room]);
      clearTimeout(timer);
      if (woke === 'heartbeat') await fetched.heartbeat();
    }
  };

  const takeAll = (state: PartitionState): SourceRecord[] => {
    const records = state.chunks.length === 1 ? state.chunks[0]! : state.chunks.flat();
    dropQueued(state);
    return records;
  };

  /** Hands one round of queued records to `handle`; false when the partition was rewound. */
  const writeRound = async (state: PartitionState): Promise<boolean> => {
    const records = takeAll(state);
    const fetched = state.latest!;
    let committed: string | undefined;
    const batch: SourceBatch = {
      topic: state.topic,
      partition: state.partition,
      records,
      highWatermark: fetched.highWatermark,
      commit: async (offset) => {
        // A stop still commits what was stored; a changed assignment commits nothing.
        if (state.epoch !== epoch) return;
        await fetched.commit((BigInt(offset) + 1n).toString());
        committed = offset;
      },
      // A revoked writer has no membership left to keep alive.
      heartbeat: () => (state.epoch === epoch ? fetched.heartbeat() : Promise.resolve()),
      isActive: () => current(state),
    };
    try {
      await handle(batch);
      return true;
    } catch (error) {
      if (state.epoch !== epoch) return false;
      const resumeAt =
        committed === undefined ? records[0]!.offset : (BigInt(committed) + 1n).toString();
      logger.error(
        { err: error, topic: state.topic, partition: state.partition, resumeAt },
        'partition write failed: fetching it again from its first uncommitted record',
      );
      dropQueued(state);
      state.nextOffset = BigInt(resumeAt);
      fetched.rewind(resumeAt);
      return false;
    }
  };

  const write = async (state: PartitionState): Promise<void> => {
    while (current(state) && state.records > 0) {
      const release = await slots.acquire();
      let written: boolean;
      try {
        if (!current(state) || state.records === 0) return;
        written = await writeRound(state);
      } finally {
        release();
      }
      if (!written) {
        await new Promise((resolve) => setTimeout(resolve, settings.retryMs));
        return;
      }
    }
  };

  const startWriter = (state: PartitionState) => {
    if (state.writer) return;
    const writer: Promise<void> = write(state).finally(() => {
      running.delete(writer);
      state.writer = undefined;
      // Records queued while the last bulk was being committed start the next round.
      if (current(state) && state.records > 0) startWriter(state);
    });
    state.writer = writer;
    running.add(writer);
  };

  return {
    async push(fetched) {
      if (stopping || fetched.isStale()) return false;
      if (fetched.records.length === 0) return true;
      const state = stateOf(fetched.topic, fetched.partition);
      await waitForRoom(state, fetched);
      if (!current(state) || fetched.isStale()) return false;
      const from = state.nextOffset;
      const records =
        from === undefined
          ? fetched.records
          : fetched.records.filter((record) => BigInt(record.offset) >= from);
      if (records.length > 0) {
        state.chunks.push([...records]);
        state.records += records.length;
        for (const record of records) state.bytes += record.value?.length ?? 0;
        state.nextOffset = BigInt(records[records.length - 1]!.offset) + 1n;
      }
      state.latest = fetched;
      startWriter(state);
      return true;
    },
    revokeAll() {
      epoch += 1;
      for (const state of partitions.values()) dropQueued(state);
    },
    async stop() {
      stopping = true;
      for (const state of partitions.values()) dropQueued(state);
      while (running.size > 0) await Promise.all([...running]);
    },
    queuedRecords: () => {
      let total = 0;
      for (const state of partitions.values()) if (current(state)) total += state.records;
      return total;
    },
  };
}

/** A counting semaphore, first come first served. */
function createSlots(count: number) {
  let free = count;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  };
  return {
    async acquire(): Promise<() => void> {
      if (free > 0) free -= 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      let released = false;
      return () => {
        if (!released) {
          released = true;
          release();
        }
      };
    },
  };
}

/** How long a failed write waits before its partition's records are fetched again. */
const REWRITE_PAUSE_MS = 1_000;

/**
 * The queues a Kafka source puts in front of `handle`: each partition's queue bounded by the
 * per-partition fetch size, as many writers as partitions processed at once.
 */
export function sourceDeliveryQueues(
  options: { readonly maxBytesPerPartition: number; readonly partitionsConcurrency: number },
  handle: (batch: SourceBatch) => Promise<void>,
  logger: Logger,
): DeliveryQueues {
  return createDeliveryQueues(
    {
      maxBytesPerPartition: options.maxBytesPerPartition,
      writers: options.partitionsConcurrency,
      retryMs: REWRITE_PAUSE_MS,
    },
    handle,
    logger,
  );
}
