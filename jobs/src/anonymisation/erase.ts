import { setTimeout as sleep } from 'node:timers/promises';
import {
  deletedOnCopies,
  everyCopyReachable,
  fieldsListed,
  historyReleased,
  needsSingleDeleteMerge,
  nextErasureStep,
  nextExpungeStep,
  waitBeforeWriteBlock,
  writtenUpTo,
  type ValueInSegments,
  type ValueProof,
} from './erasure-decision.js';
import type { ErasureStore } from './erasure-store.js';

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

/** Deleted documents still held by the shard copies of `index`, primaries and replicas. */
export async function deletedDocsOnDisk(store: ErasureStore, index: string): Promise<number> {
  return deletedOnCopies(await store.copyStates(index));
}

/** Waits, up to `waitMs`, until history retention no longer holds what is written so far. */
async function waitForHistoryRelease(
  store: ErasureStore,
  index: string,
  waitMs: number,
): Promise<void> {
  const written = writtenUpTo(await store.copyStates(index));
  const deadline = Date.now() + waitMs;
  while (!historyReleased(await store.copyStates(index), written) && Date.now() < deadline)
    await sleep(LEASE_POLL_MS);
}

/** A copy that cannot be merged and checked now defers the erasure; see everyCopyReachable. */
async function prepare(store: ErasureStore, index: string): Promise<void> {
  if (!everyCopyReachable(await store.copyAllocations(index)))
    throw new ErasureDeferredError(index);
  if (needsSingleDeleteMerge(await store.expungeDeletesAllowed(index)))
    await store.mergeOnSingleDelete(index);
}

/** Commit, history release, merge; no step outlives `deadline` (epoch ms) when one is given. */
async function commitAndMerge(
  store: ErasureStore,
  index: string,
  options: EraseOptions,
  deadline = Infinity,
): Promise<void> {
  const left = () => Math.max(1_000, deadline - Date.now());
  await store.commit(index);
  await waitForHistoryRelease(store, index, Math.min(options.leaseWaitMs, left()));
  // A merge that outlives its deadline goes on in Elasticsearch: the caller's check sees it.
  await store.merge(index, Number.isFinite(deadline) ? left() : undefined);
}

/**
 * Erases `index` and proves it: rounds of commit, history release and merge until no shard copy
 * holds a deleted document, or ErasureIncompleteError. The proof can only come while nothing
 * writes to the index; see {@link eraseLiveIndex} for one that ingest may be writing to.
 */
export async function expungeDeletes(
  store: ErasureStore,
  index: string,
  options: EraseOptions = DEFAULT_ERASE_OPTIONS,
  deadline = Infinity,
): Promise<void> {
  await prepare(store, index);
  let delay = options.initialDelayMs;
  for (let attempt = 1; ; attempt += 1) {
    await commitAndMerge(store, index, options, deadline);
    const deleted = await deletedDocsOnDisk(store, index);
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
 * Whether no segment of any shard copy of `index` holds `value` in any of `fields` any more,
 * deleted documents included: the term dictionaries keep a deleted document's terms until a merge
 * drops it. Every document an operation rewrote held its selector value in one of the selector's
 * fields, so on those fields this proves its old versions physically gone, whatever else is
 * deleted in the index, when it finds no live holder and no field listing the value. It cannot
 * tell while a live document (another tenant's) holds it.
 */
export async function valueInSegments(
  store: ErasureStore,
  index: string,
  fields: readonly string[],
  value: string,
): Promise<ValueInSegments> {
  const liveHolders = await store.liveHolders(index, fields, value);
  if (liveHolders > 0) return { liveHolders, fieldsListing: [] };
  return {
    liveHolders: 0,
    fieldsListing: fieldsListed(fields, await store.termOnCopies(index, fields, value)),
  };
}

/** How an erasure of a live index proves its operation's old versions gone. */
export interface LiveErasureProof {
  readonly check: () => Promise<ValueProof>;
  /** Rewrites what arrived in clear since the passes (before ingest saw the deny list). */
  readonly catchUp: () => Promise<void>;
}

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
  store: ErasureStore,
  index: string,
  proof: LiveErasureProof,
  options: EraseOptions = DEFAULT_ERASE_OPTIONS,
): Promise<void> {
  await prepare(store, index);
  for (let round = 1; ; round += 1) {
    await commitAndMerge(store, index, options);
    const step = nextErasureStep(await proof.check(), round, options.proofRounds);
    if (step === 'done') return;
    if (step === 'defer') throw new ErasureDeferredError(index);
    if (step === 'block') break;
    await proof.catchUp();
  }
  await sleep(waitBeforeWriteBlock(await store.copyStates(index), Date.now()));
  await store.withWriteBlock(index, () =>
    expungeDeletes(store, index, options, Date.now() + options.blockMaxMs),
  );
}
