import type { Client, estypes } from '@elastic/elasticsearch';
import type { DeadLetterProof } from '../../../core/src/anonymisation/operations.js';
import {
  StoredDeadLetterSchema,
  type StoredDeadLetter,
} from '../../../core/src/schemas/dead-letter.js';
import { deletedDocsOnDisk, expungeDeletes, type EraseOptions } from '../anonymisation/erase.js';
import type { ErasureStore } from '../anonymisation/erasure-store.js';
import { JobError } from '../errors.js';
import { scanWithPit } from '../es/pit-scan.js';
import { holdsValue, scrubDeadLetter } from '../../../core/src/anonymisation/scrub-dead-letter.js';

export interface DeadLetterErasureDeps {
  readonly es: Client;
  readonly store: ErasureStore;
  /** `<prefix>-dead-letters`. */
  readonly index: string;
  readonly erase: EraseOptions;
  readonly signal?: AbortSignal;
}

const PAGE = 500;
const MAX_PASSES = 20;
/** Rewrite-merge-check rounds: a dead letter holding the value may arrive during a merge. */
const ROUNDS = 3;

/**
 * The dead letters an operation may rewrite: its tenant's, and those no tenant could be read
 * from (the value in them identifies the subject, whoever's record it was). Dead letters have no
 * trusted event time, so the operation's time range does not narrow them.
 */
export function deadLetterScope(tenant: string): estypes.QueryDslQueryContainer {
  return {
    bool: {
      should: [{ term: { tenant } }, { bool: { must_not: [{ exists: { field: 'tenant' } }] } }],
      minimum_should_match: 1,
    },
  };
}

/**
 * Erases `value` from the dead-letter index and proves it: every dead letter in scope holding it
 * is rewritten in place (same `_id`, with `if_seq_no`, so a concurrent change is retried on the
 * next pass), then the index is merged until no shard copy, primary or replica, holds a deleted
 * document: the old versions are then physically gone. Ingest only creates documents here, so
 * that proof comes while it writes. Then a last scan must find no holder. A dead letter holding
 * the value that arrives meanwhile is caught by the next round. Idempotent: a resumed operation
 * finds only what is left.
 */
export async function eraseDeadLetters(
  deps: DeadLetterErasureDeps,
  operation: { readonly operationId: string; readonly tenant: string },
  value: string,
): Promise<DeadLetterProof> {
  const { es, store, index } = deps;
  const empty = { index, scanned: 0, rewritten: 0, remaining: 0, deletedOnDisk: 0 };
  if (!(await es.indices.exists({ index }))) return { ...empty, checks: 0, passed: true };
  let rewritten = 0;
  let checks = 0;
  let last = { scanned: 0, remaining: 0, deletedOnDisk: 0 };
  for (let round = 1; round <= ROUNDS; round += 1) {
    rewritten += await rewriteHolders(deps, operation, value);
    if ((await deletedDocsOnDisk(store, index)) > 0) await expungeDeletes(store, index, deps.erase);
    const scan = await scanHolders(deps, operation.tenant, value);
    last = { ...scan, deletedOnDisk: await deletedDocsOnDisk(store, index) };
    checks += 2;
    if (last.remaining === 0 && last.deletedOnDisk === 0) break;
  }
  return {
    index,
    rewritten,
    ...last,
    checks,
    passed: last.remaining === 0 && last.deletedOnDisk === 0,
  };
}

/** Passes over the scope until one finds no holder; returns how many were rewritten. */
async function rewriteHolders(
  deps: DeadLetterErasureDeps,
  operation: { readonly operationId: string; readonly tenant: string },
  value: string,
): Promise<number> {
  const { es, index } = deps;
  let rewritten = 0;
  for (let pass = 1; ; pass += 1) {
    await es.indices.refresh({ index });
    let found = 0;
    const pages = scanWithPit(es, index, deadLetterScope(operation.tenant), {
      pageSize: PAGE,
      source: true,
      seqNoPrimaryTerm: true,
    });
    for await (const page of pages) {
      deps.signal?.throwIfAborted();
      const writes: (estypes.BulkOperationContainer | StoredDeadLetter)[] = [];
      for (const hit of page) {
        const parsed = StoredDeadLetterSchema.safeParse(hit._source);
        if (!parsed.success) continue;
        const scrubbed = scrubDeadLetter(parsed.data, value, operation.operationId);
        if (!scrubbed) continue;
        writes.push(
          {
            index: {
              _index: index,
              _id: hit._id as string,
              if_seq_no: hit._seq_no as number,
              if_primary_term: hit._primary_term as number,
            },
          },
          scrubbed,
        );
      }
      found += writes.length / 2;
      if (writes.length === 0) continue;
      const response = await es.bulk({ operations: writes });
      rewritten += response.items.filter((item) => (item.index?.status ?? 500) < 300).length;
    }
    if (found === 0) return rewritten;
    if (pass >= MAX_PASSES)
      throw new JobError('ARIANE_ANONYMISATION_INCOMPLETE', `dead letters still match in ${index}`);
  }
}

/** Dead letters in scope, and how many of them hold the value. */
async function scanHolders(
  deps: DeadLetterErasureDeps,
  tenant: string,
  value: string,
): Promise<{ scanned: number; remaining: number }> {
  const { es, index } = deps;
  await es.indices.refresh({ index });
  let scanned = 0;
  let remaining = 0;
  const pages = scanWithPit(es, index, deadLetterScope(tenant), { pageSize: PAGE, source: true });
  for await (const page of pages)
    for (const hit of page) {
      scanned += 1;
      const parsed = StoredDeadLetterSchema.safeParse(hit._source);
      // A document that is not a dead letter cannot be checked: it counts as holding the value.
      if (!parsed.success || holdsValue(parsed.data, value)) remaining += 1;
    }
  return { scanned, remaining };
}
