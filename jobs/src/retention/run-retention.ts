import type { Client } from '@elastic/elasticsearch';
import { deleteExpiredDenyListEntries } from '../../../core/src/anonymisation/deny-list-store.js';
import type { IndexNames } from '../../../core/src/es/index-names.js';
import type { Logger } from '../../../core/src/observability/logger.js';
import { expungeDeletes } from '../anonymisation/erase.js';
import { elasticsearchErasureStore } from '../anonymisation/erasure-store.js';
import { writeAudit } from '../audit.js';
import { listEventIndices } from '../es/event-indices.js';
import { scanWithPit } from '../es/pit-scan.js';
import type { JobMetrics } from '../metrics.js';
import { planRetention, retentionCutoff, type EventIndexState } from './plan.js';

export interface RetentionDeps {
  readonly es: Client;
  readonly names: IndexNames;
  readonly logger: Logger;
  readonly metrics?: JobMetrics;
  /** Aborts when the job's lease is lost: the run stops before its next index. */
  readonly signal?: AbortSignal;
}

export interface RetentionOptions {
  readonly retentionDays: number;
  readonly dryRun: boolean;
}

/** Names and counts only: this report goes to the logs and the audit index. */
export interface RetentionReport {
  readonly cutoff: string;
  readonly dryRun: boolean;
  readonly deletedIndices: { index: string; docs: number }[];
  readonly prunedDocuments: { index: string; docs: number }[];
  readonly ignoredIndices: string[];
  expiredDenyListEntries: number;
  readonly errors: { index: string; code: string }[];
}

const PAGE = 1000;

/** Every index under the events prefix, closed and hidden ones included, with its time span. */
export async function describeEventIndices(
  es: Client,
  names: IndexNames,
): Promise<EventIndexState[]> {
  const rows = (await listEventIndices(es, names)).map(({ name, closed, docs }) => ({
    name,
    closed,
    docs,
  }));
  const open = rows.filter((row) => !row.closed).map((row) => row.name);
  const spans = new Map<string, { oldest?: Date; newest?: Date }>();
  if (open.length > 0) {
    const result = await es.search({
      index: open.join(','),
      size: 0,
      ignore_unavailable: true,
      aggs: {
        per_index: {
          terms: { field: '_index', size: open.length },
          aggs: {
            oldest: { min: { field: '@timestamp' } },
            newest: { max: { field: '@timestamp' } },
          },
        },
      },
    });
    const buckets = (
      result.aggregations?.per_index as
        | {
            buckets: {
              key: string;
              oldest: { value: number | null };
              newest: { value: number | null };
            }[];
          }
        | undefined
    )?.buckets;
    for (const bucket of buckets ?? []) {
      spans.set(bucket.key, {
        ...(bucket.oldest.value !== null && { oldest: new Date(bucket.oldest.value) }),
        ...(bucket.newest.value !== null && { newest: new Date(bucket.newest.value) }),
      });
    }
  }
  return rows.map((row) => ({ ...row, ...spans.get(row.name) }));
}

async function pruneOlderThan(
  es: Client,
  index: string,
  cutoff: Date,
  dryRun: boolean,
  timeField = '@timestamp',
): Promise<number> {
  const query = { range: { [timeField]: { lt: cutoff.toISOString() } } };
  if (dryRun) return (await es.count({ index, query })).count;
  let deleted = 0;
  for await (const hits of scanWithPit(es, index, query, { pageSize: PAGE, source: false })) {
    const response = await es.bulk({
      operations: hits.map((hit) => ({ delete: { _index: index, _id: hit._id as string } })),
    });
    deleted += response.items.filter((item) => item.delete?.status === 200).length;
    if (response.errors) throw new Error(`bulk delete failed on ${index}`);
  }
  await es.indices.refresh({ index });
  return deleted;
}

/**
 * One retention run at `now`. Catches up by construction: it deletes everything older than the
 * cut-off, however many runs were missed. Idempotent: a second run finds nothing left. The caller
 * holds the lease. Per-index failures are reported and do not stop the other indices.
 */
export async function runRetention(
  deps: RetentionDeps,
  options: RetentionOptions,
  now: Date,
): Promise<RetentionReport> {
  const { es, names, logger, metrics } = deps;
  const cutoff = retentionCutoff(now, options.retentionDays);
  const plan = planRetention(await describeEventIndices(es, names), cutoff, names.eventsPrefix);
  const report: RetentionReport = {
    cutoff: cutoff.toISOString(),
    dryRun: options.dryRun,
    deletedIndices: [],
    prunedDocuments: [],
    ignoredIndices: [...plan.ignored],
    expiredDenyListEntries: 0,
    errors: [],
  };
  for (const index of plan.deleteIndices) {
    deps.signal?.throwIfAborted();
    try {
      if (!options.dryRun) await es.indices.delete({ index: index.name });
      report.deletedIndices.push({ index: index.name, docs: index.docs });
      if (!options.dryRun) metrics?.indicesDeleted.inc();
    } catch (error) {
      logger.error({ err: error, index: index.name }, 'retention could not delete index');
      report.errors.push({ index: index.name, code: 'ARIANE_STORE_UNAVAILABLE' });
    }
  }
  for (const index of plan.pruneIndices) {
    deps.signal?.throwIfAborted();
    try {
      const docs = await pruneOlderThan(es, index, cutoff, options.dryRun);
      if (docs > 0) report.prunedDocuments.push({ index, docs });
      if (!options.dryRun) metrics?.documentsPruned.inc(docs);
    } catch (error) {
      logger.error({ err: error, index }, 'retention could not prune index');
      report.errors.push({ index, code: 'ARIANE_STORE_UNAVAILABLE' });
    }
  }
  // Dead letters live as long as the events they failed to become.
  if (await es.indices.exists({ index: names.deadLetters }))
    try {
      const docs = await pruneOlderThan(es, names.deadLetters, cutoff, options.dryRun, 'failed_at');
      if (docs > 0) report.prunedDocuments.push({ index: names.deadLetters, docs });
      // Their payloads leave the disk with the merge, not with the delete.
      if (docs > 0 && !options.dryRun)
        await expungeDeletes(elasticsearchErasureStore(es, names.locks), names.deadLetters);
      if (!options.dryRun) metrics?.documentsPruned.inc(docs);
    } catch (error) {
      logger.error({ err: error, index: names.deadLetters }, 'retention could not prune index');
      report.errors.push({ index: names.deadLetters, code: 'ARIANE_STORE_UNAVAILABLE' });
    }
  if (!options.dryRun)
    report.expiredDenyListEntries = await deleteExpiredDenyListEntries(es, names, now);
  const changed =
    report.deletedIndices.length + report.prunedDocuments.length + report.errors.length;
  if (changed > 0 || report.expiredDenyListEntries > 0)
    await writeAudit(es, names, {
      kind: 'retention',
      at: now.toISOString(),
      outcome: options.dryRun ? 'dry_run' : report.errors.length > 0 ? 'failure' : 'success',
      details: { ...report },
    });
  logger.info(
    {
      cutoff: report.cutoff,
      dryRun: report.dryRun,
      deletedIndices: report.deletedIndices,
      prunedDocuments: report.prunedDocuments,
      errors: report.errors,
    },
    'retention run finished',
  );
  return report;
}
