import type { Client, estypes } from '@elastic/elasticsearch';

export interface ScanOptions {
  readonly pageSize: number;
  /** false: ids only. */
  readonly source: boolean;
  /** Return `_seq_no`/`_primary_term`, for optimistic concurrency on the writes that follow. */
  readonly seqNoPrimaryTerm?: boolean;
  readonly keepAlive?: string;
}

/**
 * Pages over every document of one index matching `query`, through a point in time and
 * `search_after` on `_shard_doc`, yielding one page at a time. The point in time is closed when
 * the iteration ends, however it ends: an open PIT pins old segments, which would keep erased
 * data on disk through a later force merge.
 */
export async function* scanWithPit(
  es: Client,
  index: string,
  query: estypes.QueryDslQueryContainer,
  options: ScanOptions,
): AsyncGenerator<estypes.SearchHit<Record<string, unknown>>[]> {
  const keepAlive = options.keepAlive ?? '2m';
  const pit = await es.openPointInTime({ index, keep_alive: keepAlive });
  let pitId = pit.id;
  try {
    let after: estypes.SortResults | undefined;
    for (;;) {
      const page = await es.search<Record<string, unknown>>({
        pit: { id: pitId, keep_alive: keepAlive },
        size: options.pageSize,
        query,
        _source: options.source,
        seq_no_primary_term: options.seqNoPrimaryTerm ?? false,
        sort: [{ _shard_doc: 'asc' }],
        track_total_hits: false,
        ...(after && { search_after: after }),
      });
      if (page.pit_id) pitId = page.pit_id;
      const hits = page.hits.hits;
      if (hits.length > 0) yield hits;
      const last = hits.at(-1);
      if (hits.length < options.pageSize || !last?.sort) return;
      after = last.sort;
    }
  } finally {
    await es.closePointInTime({ id: pitId }, { ignore: [404] });
  }
}
