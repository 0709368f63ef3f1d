import type { ErasureTimes } from '../../../core/src/anonymisation/operations.js';
import type { CopyAllocation, CopyState, CopyTermLookup } from './erasure-store.js';

/**
 * The erasure's decisions, pure: from what the store reported (see `erasure-store.ts`), what the
 * erasure does next and what counts as proven. `erase.ts` only performs what these return, so
 * every rule here is table-tested without a cluster.
 */

/** Deleted documents held by the copies, primaries and replicas. */
export function deletedOnCopies(copies: readonly CopyState[]): number {
  return copies.reduce((sum, copy) => sum + copy.deletedDocs, 0);
}

/** The highest sequence number written on any copy: what history retention must release. */
export function writtenUpTo(copies: readonly CopyState[]): number {
  return Math.max(-1, ...copies.map((copy) => copy.maxSeqNo));
}

/**
 * Whether every history lease of every copy retains nothing at or below `seqNo`: a merge can
 * then drop every version deleted up to it. A lease retaining it would keep the deleted version
 * through the merge (Elasticsearch holds history for peer recovery).
 */
export function historyReleased(copies: readonly CopyState[], seqNo: number): boolean {
  return copies.every((copy) => copy.leases.every((lease) => lease.retainingSeqNo > seqNo));
}

/**
 * Unassigned copies that were never allocated hold nothing on any disk. One that was (its node
 * left, it failed) still has its files where it was, and one still initializing is being copied:
 * neither can be merged or checked now, so the erasure waits for the next run.
 */
const NEVER_ALLOCATED = new Set(['INDEX_CREATED', 'REPLICA_ADDED']);

export function everyCopyReachable(copies: readonly CopyAllocation[]): boolean {
  return !copies.some(
    (copy) =>
      copy.state === 'INITIALIZING' ||
      (copy.state === 'UNASSIGNED' && !NEVER_ALLOCATED.has(copy.unassignedReason ?? '')),
  );
}

/** Whether the index must be told to merge a segment for a single deleted document. */
export function needsSingleDeleteMerge(expungeDeletesAllowed: number | undefined): boolean {
  return expungeDeletesAllowed !== 0;
}

/**
 * Elasticsearch renews history leases on this fixed timer (`index.soft_deletes.retention_lease
 * .sync_interval`, 30 s, only settable in its own tests). Only used to time a write block; if it
 * were different, an erasure would wait for the lease itself all the same, only longer.
 */
export const LEASE_RENEWAL_MS = 30_000;
const BLOCK_AHEAD_OF_RENEWAL_MS = 2_000;

/**
 * How long to wait before setting a write block: until just before the leases' next renewal, so
 * that the block waits seconds for the renewal that releases the last writes instead of up to a
 * whole period. Never negative, never more than one period.
 */
export function waitBeforeWriteBlock(copies: readonly CopyState[], now: number): number {
  const renewedAt = Math.max(
    0,
    ...copies.flatMap((copy) => copy.leases.map((lease) => lease.renewedAt)),
  );
  const wait = renewedAt + LEASE_RENEWAL_MS - BLOCK_AHEAD_OF_RENEWAL_MS - now;
  return Math.min(Math.max(wait, 0), LEASE_RENEWAL_MS);
}

/**
 * The per-copy verdict of a term lookup: the fields (in `fields` order) whose dictionary lists
 * the value on at least one copy. A copy that did not answer counts as listing every field: what
 * cannot be read cannot be proven gone. No copy at all proves nothing either.
 */
export function fieldsListed(
  fields: readonly string[],
  lookups: readonly CopyTermLookup[],
): string[] {
  if (lookups.length === 0) return [...fields];
  const listing = new Set<string>();
  for (const lookup of lookups)
    for (const field of lookup.answered ? lookup.fieldsListing : fields) listing.add(field);
  return fields.filter((field) => listing.has(field));
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

/** Where a value still is in an index: counts and field names, never the value. */
export interface ValueInSegments {
  /** Live documents, of any tenant, holding the value in one of the fields. */
  readonly liveHolders: number;
  /** Fields whose term dictionaries still list it (looked up only when no live holder). */
  readonly fieldsListing: readonly string[];
}

/**
 * What a per-value check says after a merge: `gone`, proven off disk; `in_segments`, still in a
 * segment no merge has rewritten yet (no live document holds it); `undecidable`, live documents
 * hold it (another tenant's, or late ones of this operation's), so the term dictionaries list it
 * whatever this operation's old versions became.
 */
export type ValueProof = 'gone' | 'in_segments' | 'undecidable';

/**
 * Pure: what a per-value check found, as a proof: gone when no live document holds the value and
 * no term dictionary of any copy lists it; undecidable while live documents hold it (another
 * tenant's, or late ones not rewritten yet), whatever the dictionaries say; else in segments.
 */
export function valueProof(found: ValueInSegments): ValueProof {
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

/**
 * The operation's time to erasure: from the request to the last copy gone, and when each went.
 * Elasticsearch's copies (events on every shard copy, dead letters) are gone when their proofs
 * passed, and verified at `elasticsearchAt`; Kafka's
 * records are unreadable once truncated, and off disk by the bound the settings guarantee, which
 * is then the last copy.
 */
export function erasureTimes(at: {
  readonly requestedAt: Date;
  readonly eventsOnDiskAt?: Date;
  readonly deadLettersAt?: Date;
  readonly elasticsearchAt: Date;
  readonly kafka?: { readonly truncatedAt: Date; readonly offDiskBy: Date };
}): ErasureTimes {
  const { requestedAt, eventsOnDiskAt, deadLettersAt, elasticsearchAt, kafka } = at;
  const lastCopyAt = Math.max(
    ...[eventsOnDiskAt, deadLettersAt, elasticsearchAt, kafka?.offDiskBy].map(
      (date) => date?.getTime() ?? 0,
    ),
  );
  return {
    ...(eventsOnDiskAt && { eventsOnDiskAt: eventsOnDiskAt.toISOString() }),
    ...(deadLettersAt && { deadLettersAt: deadLettersAt.toISOString() }),
    elasticsearchAt: elasticsearchAt.toISOString(),
    ...(kafka && {
      kafkaTruncatedAt: kafka.truncatedAt.toISOString(),
      kafkaOffDiskBy: kafka.offDiskBy.toISOString(),
    }),
    timeToErasureMs: Math.max(0, lastCopyAt - requestedAt.getTime()),
  };
}
