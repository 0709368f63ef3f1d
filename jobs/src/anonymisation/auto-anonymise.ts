import type { estypes } from '@elastic/elasticsearch';
import { dayOfEventsIndex, type IndexNames } from '../../../core/src/es/index-names.js';
import { writeAudit } from '../audit.js';
import { listEventIndices } from '../es/event-indices.js';
import { retentionCutoff } from '../retention/plan.js';
import {
  deletedDocsOnDisk,
  DEFAULT_ERASE_OPTIONS,
  eraseLiveIndex,
  ErasureDeferredError,
  ErasureIncompleteError,
  type LiveErasureProof,
} from './erase.js';
import { elasticsearchErasureStore } from './erasure-store.js';
import { liftStaleWriteBlocks } from './write-block.js';
import type { AnonymisationDeps } from './anonymisation-deps.js';
import { newRunIds, rewriteIndex } from './rewrite.js';

/**
 * The optional policy "anonymise every event older than N days": the same rewrite, erasure and
 * checks as a requested operation, with an age instead of a selector. There is no clear value to
 * hold, no deny-list entry (a late event older than N days is caught by the next run) and no
 * operation document: the run is recorded in the audit index, names and counts only.
 */

/** The instant before which every event must be anonymised: exactly `days` × 24 h before `now`. */
export const autoAnonymiseCutoff = (now: Date, days: number): Date => retentionCutoff(now, days);

/** `auto-YYYY-MM-DD` (the UTC day of the run): what `ariane.anonymisation_id` says of the rewrite. */
export function autoOperationId(now: Date): string {
  return `auto-${now.toISOString().slice(0, 10)}`;
}

/**
 * Of the existing index names, the daily event indices that can hold an event older than
 * `cutoff`: those whose UTC day starts before it. Names that are not a real day are left alone.
 */
export function indicesBeforeCutoff(
  indices: readonly string[],
  names: IndexNames,
  cutoff: Date,
): string[] {
  return indices
    .filter((index) => {
      const day = dayOfEventsIndex(index, names.eventsPrefix);
      return day !== undefined && day.getTime() < cutoff.getTime();
    })
    .sort();
}

/** Events older than the cut-off that no anonymisation has rewritten yet. */
export function autoAnonymiseQuery(cutoff: Date): estypes.QueryDslQueryContainer {
  return {
    bool: {
      filter: [{ range: { '@timestamp': { lt: cutoff.toISOString() } } }],
      must_not: [{ exists: { field: 'ariane.anonymisation_id' } }],
    },
  };
}

/** Names and counts only: this report goes to the logs and the audit index. */
export interface AutoAnonymiseReport {
  readonly operationId: string;
  readonly cutoff: string;
  eventsAnonymised: number;
  eventsDeleted: number;
  readonly indicesTouched: string[];
  /**
   * Indices force-merged: those touched, and those still holding deleted documents (old versions
   * left on disk by a run that crashed between its rewrite and its erasure).
   */
  readonly indicesErased: string[];
  /** Checks that failed after erasure, as `check:index`; empty when everything passed. */
  readonly failures: string[];
}

const WHOLE_INDEX_PROOF_ONLY: LiveErasureProof = {
  check: () => Promise.resolve('undecidable'),
  catchUp: () => Promise.resolve(),
};

/**
 * One run of the policy at `now`. The caller holds the anonymisation lease, so it never rewrites
 * the same events as a requested operation at the same time. Idempotent: rewritten events carry
 * `ariane.anonymisation_id`, so a second run matches nothing and writes no audit record. Resumes
 * after a crash for the same reason, and erases what a crashed run left on disk.
 */
export async function runAutoAnonymisation(
  deps: AnonymisationDeps,
  afterDays: number,
  now: Date,
): Promise<AutoAnonymiseReport> {
  const { es, names, logger } = deps;
  const store = elasticsearchErasureStore(es, names.locks);
  const cutoff = autoAnonymiseCutoff(now, afterDays);
  const query = autoAnonymiseQuery(cutoff);
  const report: AutoAnonymiseReport = {
    operationId: autoOperationId(now),
    cutoff: cutoff.toISOString(),
    eventsAnonymised: 0,
    eventsDeleted: 0,
    indicesTouched: [],
    indicesErased: [],
    failures: [],
  };
  await liftStaleWriteBlocks(es, names.locks);
  const open = (await listEventIndices(es, names))
    .filter((index) => !index.closed)
    .map((index) => index.name);
  const run = newRunIds();
  for (const index of indicesBeforeCutoff(open, names, cutoff)) {
    const matched = await rewriteIndex(deps, {
      operationId: report.operationId,
      index,
      query,
      run,
      onBatch: ({ anonymised, deleted }) => {
        report.eventsAnonymised += anonymised;
        report.eventsDeleted += deleted;
        deps.metrics?.eventsAnonymised.inc(anonymised);
      },
    });
    if (matched) report.indicesTouched.push(index);
    if (matched || (await deletedDocsOnDisk(store, index)) > 0) report.indicesErased.push(index);
  }
  if (report.indicesErased.length === 0) return report;

  const erase = deps.erase ?? DEFAULT_ERASE_OPTIONS;
  await Promise.all(
    report.indicesErased.map((index) =>
      // No single value to look up: one merge while writes flow, then the whole-index proof
      // under a write block. An index left with deleted documents is erased again next run.
      eraseLiveIndex(store, index, WHOLE_INDEX_PROOF_ONLY, {
        ...erase,
        proofRounds: 1,
      }).catch((error: unknown) => {
        if (!(error instanceof ErasureIncompleteError || error instanceof ErasureDeferredError))
          throw error;
        report.failures.push(`segments:${index}`);
      }),
    ),
  );
  for (const index of report.indicesErased) {
    await es.indices.refresh({ index });
    if ((await es.count({ index, query })).count > 0) report.failures.push(`remaining:${index}`);
  }
  await writeAudit(es, names, {
    kind: 'auto_anonymisation',
    at: now.toISOString(),
    operationId: report.operationId,
    outcome: report.failures.length === 0 ? 'success' : 'failure',
    details: { ...report, afterDays },
  });
  logger.info(
    {
      operationId: report.operationId,
      cutoff: report.cutoff,
      eventsAnonymised: report.eventsAnonymised,
      indices: report.indicesTouched,
      failures: report.failures,
    },
    'automatic anonymisation finished',
  );
  return report;
}
