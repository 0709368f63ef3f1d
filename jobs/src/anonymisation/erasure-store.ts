import { errors, type Client } from '@elastic/elasticsearch';
import { withWriteBlock } from './write-block.js';

/**
 * What the erasure needs from the store that holds the events and dead letters: per-copy state,
 * a commit, a merge, per-copy term lookups and a write block. The erasure's decisions
 * (`erasure-decision.ts`) read only these types, so they are tested without a cluster; the
 * Elasticsearch client stops in this file.
 *
 * Contract:
 * - every method answers with what the cluster said at the time of the call; nothing is cached;
 *   a failing call rejects (a retryable failure for the caller to classify);
 * - per-copy methods list every copy, primary and replica: each merges on its own, so what one
 *   copy holds proves nothing about another;
 * - `merge` resolves once the merge finished or `timeoutMs` passed; a merge that outlives its
 *   timeout goes on in the store, and the next `copyStates` or `termOnCopies` sees its outcome;
 * - `withWriteBlock` lifts the block whether `work` succeeds or not, and survives a crash through
 *   a record that the next run lifts (see `write-block.ts`).
 */
export interface ErasureStore {
  /** Docs, sequence number and history leases of every started copy of every shard. */
  copyStates(index: string): Promise<CopyState[]>;
  /** Every copy of every shard, started or not, with its allocation state. */
  copyAllocations(index: string): Promise<CopyAllocation[]>;
  /** `index.merge.policy.expunge_deletes_allowed`, when set on the index. */
  expungeDeletesAllowed(index: string): Promise<number | undefined>;
  /** Sets it to 0: a single deleted document is then enough to merge a segment. */
  mergeOnSingleDelete(index: string): Promise<void>;
  /** Refresh, then a Lucene commit on every copy (the translog trimmed). */
  commit(index: string): Promise<void>;
  /** A force merge expunging deleted documents, on every copy. */
  merge(index: string, timeoutMs?: number): Promise<void>;
  /** Live documents of any tenant holding `value` in one of `fields` (after a refresh). */
  liveHolders(index: string, fields: readonly string[], value: string): Promise<number>;
  /**
   * Per started copy, which of `fields` still list `value` in their term dictionaries, deleted
   * documents included; a copy that did not answer says so instead.
   */
  termOnCopies(index: string, fields: readonly string[], value: string): Promise<CopyTermLookup[]>;
  withWriteBlock<T>(index: string, work: () => Promise<T>): Promise<T>;
}

export interface CopyState {
  readonly deletedDocs: number;
  /** The highest sequence number the copy has written; -1 when none. */
  readonly maxSeqNo: number;
  readonly leases: readonly HistoryLease[];
}

/** A shard history retention lease: operations above `retainingSeqNo` are kept. */
export interface HistoryLease {
  readonly retainingSeqNo: number;
  /** When it was last renewed (epoch ms). */
  readonly renewedAt: number;
}

export interface CopyAllocation {
  /** `STARTED`, `INITIALIZING`, `RELOCATING` or `UNASSIGNED`. */
  readonly state: string;
  /** Why an unassigned copy is unassigned (`INDEX_CREATED`, `NODE_LEFT`...). */
  readonly unassignedReason?: string;
}

export type CopyTermLookup =
  | { readonly answered: true; readonly fieldsListing: readonly string[] }
  | { readonly answered: false };

/** One started copy of one shard, primary or replica, and the node that holds it. */
export interface ShardCopy {
  readonly shard: number;
  readonly node: string;
  readonly primary: boolean;
}

interface ShardCopyStats {
  docs?: { deleted?: number };
  seq_no?: { max_seq_no?: number };
  retention_leases?: { leases?: { retaining_seq_no: number; timestamp: number }[] };
}

const EXPUNGE_SETTING = 'index.merge.policy.expunge_deletes_allowed';

/**
 * Every started copy of every shard of `index`. A search reads one copy per shard; pinning a
 * search to each of these in turn reads them all.
 */
export async function shardCopiesOf(es: Client, index: string): Promise<ShardCopy[]> {
  const { shards } = await es.searchShards({ index });
  return shards
    .flat()
    .filter((copy) => copy.state === 'STARTED' && copy.node)
    .map((copy) => ({ shard: copy.shard, node: copy.node as string, primary: copy.primary }));
}

/** The ErasureStore on an Elasticsearch cluster; write blocks are recorded in `locksIndex`. */
export function elasticsearchErasureStore(es: Client, locksIndex: string): ErasureStore {
  return {
    async copyStates(index) {
      const stats = await es.indices.stats({ index, metric: 'docs', level: 'shards' });
      const copies: ShardCopyStats[] = Object.values(stats.indices?.[index]?.shards ?? {}).flat();
      return copies.map((copy) => ({
        deletedDocs: copy.docs?.deleted ?? 0,
        maxSeqNo: copy.seq_no?.max_seq_no ?? -1,
        leases: (copy.retention_leases?.leases ?? []).map((lease) => ({
          retainingSeqNo: lease.retaining_seq_no,
          renewedAt: lease.timestamp,
        })),
      }));
    },
    async copyAllocations(index) {
      const copies = await es.cat.shards({
        index,
        format: 'json',
        h: ['shard', 'prirep', 'state', 'unassigned.reason'],
      });
      return copies.map((copy) => ({
        state: String(copy.state),
        ...(copy['unassigned.reason'] && { unassignedReason: String(copy['unassigned.reason']) }),
      }));
    },
    async expungeDeletesAllowed(index) {
      const settings = await es.indices.getSettings({
        index,
        name: EXPUNGE_SETTING,
        flat_settings: true,
      });
      const current = settings[index]?.settings?.[EXPUNGE_SETTING] as string | undefined;
      return current === undefined ? undefined : Number(current);
    },
    async mergeOnSingleDelete(index) {
      await es.indices.putSettings({ index, settings: { [EXPUNGE_SETTING]: 0 } });
    },
    async commit(index) {
      await es.indices.refresh({ index });
      await es.indices.flush({ index, force: true, wait_if_ongoing: true });
    },
    async merge(index, timeoutMs) {
      // The client cannot wait longer than its own request timeout (its HTTP layer has no
      // per-request timeout), and merges queue behind other indices' on a busy node.
      await es.indices
        .forcemerge(
          { index, only_expunge_deletes: true, flush: true, wait_for_completion: true },
          timeoutMs === undefined ? {} : { requestTimeout: timeoutMs },
        )
        .catch((error: unknown) => {
          if (!(error instanceof errors.TimeoutError)) throw error;
        });
    },
    async liveHolders(index, fields, value) {
      await es.indices.refresh({ index });
      const live = await es.count({
        index,
        query: { bool: { should: fields.map((field) => ({ term: { [field]: value } })) } },
      });
      return live.count;
    },
    async termOnCopies(index, fields, value) {
      const lookups: CopyTermLookup[] = [];
      for (const copy of await shardCopiesOf(es, index)) {
        // `min_doc_count: 0` reads the dictionaries themselves, which still list the terms of
        // deleted documents; `preference` pins the shard and the node.
        const lookup = await es.search({
          index,
          size: 0,
          preference: `_shards:${copy.shard}|_only_nodes:${copy.node}`,
          aggs: Object.fromEntries(
            fields.map((field, i) => [
              `f${i}`,
              { terms: { field, min_doc_count: 0, include: [value], size: 1 } },
            ]),
          ),
        });
        if (lookup._shards.successful !== 1) {
          lookups.push({ answered: false });
          continue;
        }
        const fieldsListing = fields.filter(
          (_, i) =>
            ((lookup.aggregations?.[`f${i}`] as { buckets?: unknown[] } | undefined)?.buckets ?? [])
              .length > 0,
        );
        lookups.push({ answered: true, fieldsListing });
      }
      return lookups;
    },
    withWriteBlock(index, work) {
      return withWriteBlock(es, locksIndex, index, work);
    },
  };
}
