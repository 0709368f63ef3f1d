import { setTimeout as sleep } from 'node:timers/promises';
import { errors, type Client } from '@elastic/elasticsearch';
import { withWriteBlock } from './write-block.js';

/**
 * Makes deleted and overwritten documents physically go away from an index. A delete or an
 * overwrite in Elasticsearch only marks the old version deleted; its bytes (source, terms, doc
 * values) stay in their Lucene segment until a merge rewrites it. So: refresh and flush (a Lucene
 * commit, the translog trimmed), make sure a single deleted document is enough to merge a segment
 * (`expunge_deletes_allowed: 0`, which the events template already sets), force-merge with
 * `only_expunge_deletes`, then check every shard copy, primaries and replicas (index stats at
 * `level=shards` list each started copy), reports no deleted document. A force merge runs on
 * every copy; a copy that cannot be reached (its node left, still recovering) defers the erasure
 * to the next run, since its files cannot be proven clean.
 *
 * A merge cannot drop a deleted version that shard history retention still holds: every shard
 * copy keeps the operations above its retention leases' `retaining_seq_no`, and Elasticsearch
 * moves the leases forward on a timer (every 30 s, not configurable in production). So before
 * merging, the erasure waits until the leases, which index stats report, have passed every
 * operation written so far, instead of retrying blindly.
 *
 * The caller must have closed its points in time on the index first: an open PIT pins the old
 * segments.
 */
export interface EraseOptions {
  /** How long to wait for history retention to release the last operations. */
  readonly leaseWaitMs: number;
  /** Merge-and-check rounds before giving up; a timed-out merge goes on in Elasticsearch. */
  readonly attempts: number;
  readonly initialDelayMs: number;
  /** Longest write block a live index's erasure may hold before it defers to the next run. */
  readonly blockMaxMs: number;
  /** Merge-and-prove rounds on a live index before the write-blocked fallback. */
  readonly proofRounds: number;
}

export const DEFAULT_ERASE_OPTIONS: EraseOptions = {
  leaseWaitMs: 90_000,
  attempts: 10,
  initialDelayMs: 500,
  blockMaxMs: 20_000,
  proofRounds: 3,
};

const LEASE_POLL_MS = 1_000;
/**
 * Elasticsearch renews history leases on this fixed timer (`index.soft_deletes.retention_lease
 * .sync_interval`, 30 s, only settable in its own tests). Only used to time a write block; if it
 * were different, an erasure would wait for the lease itself all the same, only longer.
 */
const LEASE_RENEWAL_MS = 30_000;
const BLOCK_AHEAD_OF_RENEWAL_MS = 2_000;

export class ErasureIncompleteError extends Error {
  constructor(
    readonly index: string,
    readonly deletedDocs: number,
  ) {
    super(`${deletedDocs} deleted documents still on disk in ${index}`);
    this.name = 'ErasureIncompleteError';
  }
}

/** A live index's erasure is not proven yet; the next run resumes it. */
export class ErasureDeferredError extends Error {
  constructor(readonly index: string) {
    super(`the erasure of ${index} is not proven yet; it resumes next run`);
    this.name = 'ErasureDeferredError';
  }
}

interface ShardCopyStats {
  docs?: { deleted?: number };
  seq_no?: { max_seq_no?: number };
  retention_leases?: { leases?: { retaining_seq_no: number; timestamp: number }[] };
}

async function shardCopies(es: Client, index: string): Promise<ShardCopyStats[]> {
  const stats = await es.indices.stats({ index, metric: 'docs', level: 'shards' });
  return Object.values(stats.indices?.[index]?.shards ?? {}).flat();
}

/** Deleted documents still held by the shard copies of `index`, primaries and replicas. */
export async function deletedDocsOnDisk(es: Client, index: string): Promise<number> {
  return (await shardCopies(es, index)).reduce((sum, copy) => sum + (copy.docs?.deleted ?? 0), 0);
}

/** Whether every lease of every shard copy retains nothing at or below `maxSeqNo`. */
function historyReleased(copies: readonly ShardCopyStats[], maxSeqNo: number): boolean {
  return copies.every((copy) =>
    (copy.retention_leases?.leases ?? []).every((lease) => lease.retaining_seq_no > maxSeqNo),
  );
}

/**
 * Waits, up to `waitMs`, until history retention no longer holds what is written so far.
 */
async function waitForHistoryRelease(es: Client, index: string, waitMs: number): Promise<void> {
  const written = Math.max(
    -1,
    ...(await shardCopies(es, index)).map((copy) => copy.seq_no?.max_seq_no ?? -1),
  );
  const deadline = Date.now() + waitMs;
  while (!historyReleased(await shardCopies(es, index), written) && Date.now() < deadline)
    await sleep(LEASE_POLL_MS);
}

/**
 * Unassigned copies that were never allocated hold nothing on any disk. One that was (its node
 * left, it failed) still has its files where it was, and one still initializing is being copied:
 * neither can be merged or checked now, so the erasure waits for the next run.
 */
const NEVER_ALLOCATED = new Set(['INDEX_CREATED', 'REPLICA_ADDED']);

async function requireEveryCopyReachable(es: Client, index: string): Promise<void> {
  const copies = await es.cat.shards({
    index,
    format: 'json',
    h: ['shard', 'prirep', 'state', 'unassigned.reason'],
  });
  const unreachable = copies.filter(
    (copy) =>
      copy.state === 'INITIALIZING' ||
      (copy.state === 'UNASSIGNED' && !NEVER_ALLOCATED.has(String(copy['unassigned.reason']))),
  );
  if (unreachable.length > 0) throw new ErasureDeferredError(index);
}

async function requireSingleDeleteMerges(es: Client, index: string): Promise<void> {
  const settings = await es.indices.getSettings({
    index,
    name: 'index.merge.policy.expunge_deletes_allowed',
    flat_settings: true,
  });
  const current = settings[index]?.settings?.['index.merge.policy.expunge_deletes_allowed'] as
    string | undefined;
  if (current === undefined || Number(current) !== 0)
    await es.indices.putSettings({
      index,
      settings: { 'index.merge.policy.expunge_deletes_allowed': 0 },
    });
}

/** Commit, history release, merge; no step outlives `deadline` (epoch ms) when one is given. */
async function commitAndMerge(
  es: Client,
  index: string,
  options: EraseOptions,
  deadline = Infinity,
): Promise<void> {
  const left = () => Math.max(1_000, deadline - Date.now());
  await es.indices.refresh({ index });
  await es.indices.flush({ index, force: true, wait_if_ongoing: true });
  await waitForHistoryRelease(es, index, Math.min(options.leaseWaitMs, left()));
  // The client cannot wait longer than its own request timeout (its HTTP layer has no
  // per-request timeout), and merges queue behind other indices' on a busy node. A timed-out
  // merge goes on in Elasticsearch: the caller's check sees its outcome.
  await es.indices
    .forcemerge(
      { index, only_expunge_deletes: true, flush: true, wait_for_completion: true },
      Number.isFinite(deadline) ? { requestTimeout: left() } : {},
    )
    .catch((error: unknown) => {
      if (!(error instanceof errors.TimeoutError)) throw error;
    });
}

/**
 * Erases `index` and proves it: rounds of commit, history release and merge until no shard copy
 * holds a deleted document, or ErasureIncompleteError. The proof can only come while nothing
 * writes to the index; see {@link eraseLiveIndex} for one that ingest may be writing to.
 */
export async function expungeDeletes(
  es: Client,
  index: string,
  options: EraseOptions = DEFAULT_ERASE_OPTIONS,
  deadline = Infinity,
): Promise<void> {
  await requireEveryCopyReachable(es, index);
  await requireSingleDeleteMerges(es, index);
  let delay = options.initialDelayMs;
  for (let attempt = 1; ; attempt += 1) {
    await commitAndMerge(es, index, options, deadline);
    const deleted = await deletedDocsOnDisk(es, index);
    const step = nextExpungeStep({
      deleted,
      attempt,
      attempts: options.attempts,
      now: Date.now(),
      deadline,
    });
    if (step === 'done') return;
    if (step === 'defer') throw new ErasureDeferredError(index);
    if (step === 'incomplete') throw new ErasureIncompleteError(index, deleted);
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
    delay = Math.min(delay * 2, 5_000);
  }
}

/**
 * Pure: what a whole-index erasure does after a merge round. Done once no shard copy holds a
 * deleted document; deferred to the next run when its time (a write block's) is up; incomplete,
 * a failure, after the last attempt; otherwise another round.
 */
export function nextExpungeStep(state: {
  readonly deleted: number;
  readonly attempt: number;
  readonly attempts: number;
  readonly now: number;
  readonly deadline: number;
}): 'done' | 'retry' | 'defer' | 'incomplete' {
  if (state.deleted === 0) return 'done';
  if (state.now >= state.deadline) return 'defer';
  return state.attempt >= state.attempts ? 'incomplete' : 'retry';
}

/**
 * What a per-value check (see `valueInSegments`) says after a merge: `gone`, proven off disk;
 * `in_segments`, still in a segment no merge has rewritten yet (no live document holds it);
 * `undecidable`, live documents hold it (another tenant's, or late ones of this operation's), so
 * the term dictionaries list it whatever this operation's old versions became.
 */
export type ValueProof = 'gone' | 'in_segments' | 'undecidable';

/**
 * Pure: what a per-value check found, as a proof: gone when no live document holds the value and
 * no term dictionary of any copy lists it; undecidable while live documents hold it (another
 * tenant's, or late ones not rewritten yet), whatever the dictionaries say; else in segments.
 */
export function valueProof(found: {
  readonly liveHolders: number;
  readonly fieldsListing: readonly string[];
}): ValueProof {
  if (found.liveHolders > 0) return 'undecidable';
  return found.fieldsListing.length === 0 ? 'gone' : 'in_segments';
}

/**
 * Pure: what a live index's erasure does after round `round` of `rounds` found `outcome`: done
 * when gone; another round, after rewriting what arrived meanwhile, while rounds remain; then
 * deferred to the next run when the value is only in segments no merge rewrote yet (a write block
 * would not hasten that merge), or the write-blocked whole-index proof when it cannot tell.
 */
export function nextErasureStep(
  outcome: ValueProof,
  round: number,
  rounds: number,
): 'done' | 'catch_up' | 'defer' | 'block' {
  if (outcome === 'gone') return 'done';
  if (round < rounds) return 'catch_up';
  return outcome === 'in_segments' ? 'defer' : 'block';
}

/** How an erasure of a live index proves its operation's old versions gone. */
export interface LiveErasureProof {
  readonly check: () => Promise<ValueProof>;
  /** Rewrites what arrived in clear since the passes (before ingest saw the deny list). */
  readonly catchUp: () => Promise<void>;
}

/**
 * No single value to look up (many ids, or a whole policy's): one merge while writes flow, then
 * the whole-index proof under a write block.
 */
export const WHOLE_INDEX_PROOF_ONLY: LiveErasureProof = {
  check: () => Promise.resolve('undecidable'),
  catchUp: () => Promise.resolve(),
};

/**
 * Erases an events index ingest may still be writing to (today's, or an old day receiving late
 * lines), where any overwrite (a preferred copy replacing a fallback one, a late clear event
 * rewritten) leaves a fresh deleted version, so "no deleted document" may never hold for long. The
 * merge runs while writes flow, once history retention has released the operation's deletes, which
 * lets the merge drop its old versions; `proof` then checks exactly that, per value, over a few
 * rounds (a late clear event is rewritten between them). When the value is still only in segments,
 * the erasure is handed to the next run (ErasureDeferredError): a write block would stop ingest
 * without hastening the merge that is missing. Only when the check cannot tell does the erasure
 * fall back to the whole-index proof under a write block (see `write-block.ts`), set just before
 * the leases' next renewal so that it lasts seconds, and never longer than `blockMaxMs`: past that
 * the block is lifted and the erasure is deferred all the same.
 */
export async function eraseLiveIndex(
  es: Client,
  locksIndex: string,
  index: string,
  proof: LiveErasureProof,
  options: EraseOptions = DEFAULT_ERASE_OPTIONS,
): Promise<void> {
  await requireEveryCopyReachable(es, index);
  await requireSingleDeleteMerges(es, index);
  for (let round = 1; ; round += 1) {
    await commitAndMerge(es, index, options);
    const step = nextErasureStep(await proof.check(), round, options.proofRounds);
    if (step === 'done') return;
    if (step === 'defer') throw new ErasureDeferredError(index);
    if (step === 'block') break;
    await proof.catchUp();
  }
  await sleep(await untilShortlyBeforeLeaseRenewal(es, index));
  await withWriteBlock(es, locksIndex, index, () =>
    expungeDeletes(es, index, options, Date.now() + options.blockMaxMs),
  );
}

/**
 * How long until just before the shard's history leases are next renewed: a write block set
 * then waits seconds for the renewal that releases the last writes, instead of up to 30 s.
 */
async function untilShortlyBeforeLeaseRenewal(es: Client, index: string): Promise<number> {
  const renewedAt = Math.max(
    0,
    ...(await shardCopies(es, index)).flatMap((copy) =>
      (copy.retention_leases?.leases ?? []).map((lease) => lease.timestamp),
    ),
  );
  const wait = renewedAt + LEASE_RENEWAL_MS - BLOCK_AHEAD_OF_RENEWAL_MS - Date.now();
  return Math.min(Math.max(wait, 0), LEASE_RENEWAL_MS);
}
