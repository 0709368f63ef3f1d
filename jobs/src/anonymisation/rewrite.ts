import type { estypes } from '@elastic/elasticsearch';
import { anonymiseEvent, FreshIds } from '../../../core/src/anonymisation/anonymise-event.js';
import type { Operation } from '../../../core/src/anonymisation/operations.js';
import { SELECTOR_FIELDS, TENANT_FIELD } from '../../../core/src/anonymisation/selector.js';
import { TraceEventSchema, type TraceEvent } from '../../../core/src/schemas/trace-event.js';
import { JobError } from '../errors.js';
import { scanWithPit } from '../es/pit-scan.js';
import type { AnonymisationDeps } from './anonymisation-deps.js';

/**
 * The rewrite of stored events: which documents an operation matches, and the passes that
 * replace each of them with its anonymised version under a fresh `_id`. Used by requested
 * operations (run-operation.ts) and by the age-based policy (auto-anonymise.ts); neither the
 * erasure from disk nor its proof is here.
 */

const PAGE = 1_000;
const MAX_PASSES = 20;

/** The query matching the operation's events: selector fields, tenant, time range. */
export function matchQuery(operation: Operation, value: string): estypes.QueryDslQueryContainer {
  const { type, from, to } = operation.selector;
  const filter: estypes.QueryDslQueryContainer[] = [{ term: { [TENANT_FIELD]: operation.tenant } }];
  if (from !== undefined || to !== undefined)
    filter.push({
      range: { '@timestamp': { ...(from && { gte: from }), ...(to && { lte: to }) } },
    });
  return {
    bool: {
      filter,
      should: SELECTOR_FIELDS[type].map((field) => ({ term: { [field]: value } })),
      minimum_should_match: 1,
    },
  };
}

export interface PassCounts {
  anonymised: number;
  deleted: number;
}

/** The random stand-ins of one run: correlation ids, and the new `_id` of each old `_id`. */
export interface RunIds {
  readonly freshIds: FreshIds;
  readonly eventIds: FreshIds;
}

export const newRunIds = (): RunIds => ({ freshIds: new FreshIds(), eventIds: new FreshIds() });

/** What to rewrite: the documents of `index` matching `query`, stamped with `operationId`. */
export interface RewriteTarget {
  readonly operationId: string;
  readonly index: string;
  readonly query: estypes.QueryDslQueryContainer;
  readonly run: RunIds;
  /** Called after each batch with what it changed, e.g. to save progress. */
  readonly onBatch: (counts: PassCounts) => Promise<void> | void;
}

/**
 * One pass over one index: every matching document is rewritten under a fresh random `_id`
 * (its old `_id` is a hash of the raw line, a brute-forceable pseudonym) and the old one is
 * deleted with `if_seq_no`/`if_primary_term`. The new document is written first and the old one
 * deleted only once that succeeded, so a crash never loses an event. A conflict (the document
 * changed meanwhile) leaves the old one for the next pass; the stand-in `_id` of an old `_id` is
 * stable within the run, so the rewrite then overwrites instead of duplicating.
 */
async function rewritePass(deps: AnonymisationDeps, target: RewriteTarget): Promise<void> {
  const { es } = deps;
  const { operationId, index, query, run, onBatch } = target;
  const hits = scanWithPit(es, index, query, {
    pageSize: PAGE,
    source: true,
    seqNoPrimaryTerm: true,
  });
  for await (const page of hits) {
    deps.signal?.throwIfAborted();
    const writes: (estypes.BulkOperationContainer | TraceEvent)[] = [];
    const deletions: { hit: (typeof page)[number]; rewritten: boolean }[] = [];
    for (const hit of page) {
      const parsed = TraceEventSchema.safeParse(hit._source);
      if (parsed.success) {
        const newId = run.eventIds.for(hit._id as string);
        const doc = anonymiseEvent(parsed.data, operationId, {
          freshIds: run.freshIds,
          keepSessionLinkage: deps.keepSessionLinkage,
          newEventId: newId,
        });
        writes.push({ index: { _index: index, _id: newId } }, doc);
      }
      deletions.push({ hit, rewritten: parsed.success });
    }
    const written = new Set<string>();
    if (writes.length > 0) {
      const response = await es.bulk({ operations: writes });
      for (const item of response.items)
        if (item.index && item.index.status < 300 && item.index._id) written.add(item.index._id);
    }
    const toDelete = deletions.filter(
      ({ hit, rewritten }) => !rewritten || written.has(run.eventIds.for(hit._id as string)),
    );
    let anonymised = 0;
    let deleted = 0;
    if (toDelete.length > 0) {
      const response = await es.bulk({
        operations: toDelete.map(({ hit }) => ({
          delete: {
            _index: index,
            _id: hit._id as string,
            if_seq_no: hit._seq_no as number,
            if_primary_term: hit._primary_term as number,
          },
        })),
      });
      response.items.forEach((item, i) => {
        if (item.delete?.status !== 200) return;
        if (toDelete[i]?.rewritten) anonymised += 1;
        else deleted += 1;
      });
    }
    await onBatch({ anonymised, deleted });
    await deps.afterBatch?.(operationId);
  }
}

/**
 * Rewrites every document of `index` matching `query`, pass after pass until none matches (a
 * pass leaves documents that changed under it). Returns whether anything matched at all.
 */
export async function rewriteIndex(
  deps: AnonymisationDeps,
  target: RewriteTarget,
): Promise<boolean> {
  const { index, query } = target;
  for (let pass = 1; ; pass += 1) {
    await deps.es.indices.refresh({ index });
    if ((await deps.es.count({ index, query })).count === 0) return pass > 1;
    if (pass > MAX_PASSES)
      throw new JobError('ARIANE_ANONYMISATION_INCOMPLETE', `matches remain in ${index}`);
    await rewritePass(deps, target);
  }
}
