import { randomUUID } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';

/**
 * Physical erasure is proven by a shard reporting no deleted document at all. An index that
 * ingest keeps writing to (the live day, or an old day receiving duplicate and late lines) keeps
 * producing overwritten versions, which history retention holds back for about 30 s, so that
 * proof never comes while writes flow. The erasure therefore holds `index.blocks.write` on the
 * index for its refresh → flush → merge → check window. Ingest treats a write block as
 * retryable and commits nothing it has not stored, so events wait in Kafka and nothing is lost.
 *
 * A block must never outlive its erasure: each one is recorded in the locks index before it is
 * set, and the record names its owner. The owner lifts its own block when done; a block whose
 * owner crashed is lifted by the next anonymisation run ({@link liftStaleWriteBlocks}), which
 * holds the anonymisation lease, so no erasure is in progress at that moment. A block that was
 * already on the index (an operator's) is left alone.
 */

const RECORD_PREFIX = 'write-block:';
const BLOCK_SETTING = 'index.blocks.write';

async function isWriteBlocked(es: Client, index: string): Promise<boolean> {
  const settings = await es.indices.getSettings({
    index,
    name: BLOCK_SETTING,
    flat_settings: true,
  });
  return String(settings[index]?.settings?.[BLOCK_SETTING]) === 'true';
}

async function liftBlock(es: Client, index: string): Promise<void> {
  await es.indices.putSettings(
    { index, settings: { [BLOCK_SETTING]: null } },
    // The index may have been deleted by retention since; nothing is left to lift.
    { ignore: [404] },
  );
}

/** Lifts of the blocks this process holds right now, for {@link liftHeldWriteBlocks}. */
const held = new Set<() => Promise<void>>();

/** Runs `work` with writes to `index` blocked, then lifts the block whether `work` succeeded or not. */
export async function withWriteBlock<T>(
  es: Client,
  locksIndex: string,
  index: string,
  work: () => Promise<T>,
): Promise<T> {
  if (await isWriteBlocked(es, index)) return work();
  const id = `${RECORD_PREFIX}${index}`;
  const owner = randomUUID();
  await es.index({ index: locksIndex, id, document: { owner }, refresh: true });
  // Lift only a block that is still ours: after a lost lease, a newer run may own it now.
  const lift = async (): Promise<void> => {
    held.delete(lift);
    const current = await es.get<{ owner: string }>({ index: locksIndex, id }, { ignore: [404] });
    if (!current.found || current._source?.owner !== owner) return;
    await liftBlock(es, index);
    await es.delete(
      {
        index: locksIndex,
        id,
        ...(current._seq_no !== undefined && { if_seq_no: current._seq_no }),
        ...(current._primary_term !== undefined && { if_primary_term: current._primary_term }),
        refresh: true,
      },
      { ignore: [404, 409] },
    );
  };
  // Held before the block is set: a shutdown that comes as soon as the block is visible lifts it.
  held.add(lift);
  try {
    await es.indices.putSettings({ index, settings: { [BLOCK_SETTING]: true } });
    return await work();
  } finally {
    if (held.has(lift)) await lift();
  }
}

/**
 * Lifts the blocks this process holds, for a shutdown that cannot wait for their erasures: a
 * block must not outlive its process, or ingest waits on it until the next anonymisation run.
 * The interrupted operation stays `running` and resumes on that run.
 */
export async function liftHeldWriteBlocks(): Promise<void> {
  await Promise.all([...held].map((lift) => lift()));
}

/**
 * Lifts every write block recorded by an erasure that did not finish (a crash, a kill). Call it
 * only while holding the anonymisation lease. Returns the indices it unblocked.
 */
export async function liftStaleWriteBlocks(es: Client, locksIndex: string): Promise<string[]> {
  const found = await es.search(
    { index: locksIndex, size: 1000, _source: false, query: { match_all: {} } },
    { ignore: [404] },
  );
  const stale = (found.hits?.hits ?? [])
    .map((hit) => hit._id as string)
    .filter((id) => id.startsWith(RECORD_PREFIX));
  for (const id of stale) {
    await liftBlock(es, id.slice(RECORD_PREFIX.length));
    await es.delete({ index: locksIndex, id, refresh: true }, { ignore: [404] });
  }
  return stale.map((id) => id.slice(RECORD_PREFIX.length));
}
