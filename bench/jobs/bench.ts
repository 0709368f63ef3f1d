import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Client } from '@elastic/elasticsearch';
import { ensureDenyListIndex } from '../../core/src/anonymisation/deny-list-store.js';
import { type Operation } from '../../core/src/anonymisation/operations.js';
import {
  ensureOperationIndices,
  queueAnonymisation,
} from '../../core/src/anonymisation/operation-log.js';
import type { SelectorType } from '../../core/src/anonymisation/selector.js';
import { indexNames } from '../../core/src/es/index-names.js';
import { createLogger } from '../../core/src/observability/logger.js';
import { runOperation } from '../../jobs/src/anonymisation/run-operation.js';
import { runRetention } from '../../jobs/src/retention/run-retention.js';
import { deleteIndexPrefix } from '../cleanup.js';
import { copySuffix, preload, stampDoc } from '../preload.js';
import { round, secondsSince, table } from '../stats.js';

export interface JobsBenchOptions {
  /** Events of the 1× retention data set; the 10× one holds ten times as many. */
  readonly retentionEvents: number;
  /** Background events of the 10-day data set the session is spread over. */
  readonly sessionBackground: number;
  /** Events sharing one client id, anonymised in one operation. */
  readonly bulkEvents: number;
  readonly concurrency: number;
  readonly seed: string;
}

const DAY_MS = 86_400_000;
const RETENTION_DAYS = 10;
const logger = createLogger('bench-jobs', 'silent');

interface Row {
  readonly case: string;
  readonly events: number;
  readonly seconds: number;
  readonly detail: string;
}

function prefixFor(label: string): string {
  return `bench-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}-${label}`;
}

/**
 * Retention over data that ended just before the UTC midnight preceding the cut-off, so every
 * index is wholly past and goes by a whole-index delete: the case a scheduled run meets.
 */
async function retentionRun(es: Client, events: number, options: JobsBenchOptions): Promise<Row> {
  const prefix = prefixFor('ret');
  const names = indexNames(prefix);
  try {
    const now = new Date();
    const cutoffDayStart = Math.floor((now.getTime() - RETENTION_DAYS * DAY_MS) / DAY_MS) * DAY_MS;
    const loaded = await preload(es, {
      indexPrefix: prefix,
      seed: options.seed,
      events,
      days: RETENTION_DAYS,
      nowMs: cutoffDayStart - 60_000,
      concurrency: options.concurrency,
    });
    await ensureOperationIndices(es, names, 0);
    await ensureDenyListIndex(es, names, 0);
    const started = process.hrtime.bigint();
    const report = await runRetention(
      { es, names, logger },
      { retentionDays: RETENTION_DAYS, dryRun: false },
      now,
    );
    const seconds = secondsSince(started);
    const docs = report.deletedIndices.reduce((sum, index) => sum + index.docs, 0);
    return {
      case: `retention ${events === options.retentionEvents ? '1x' : `${round(events / options.retentionEvents)}x`}`,
      events: loaded.written,
      seconds,
      detail: `${report.deletedIndices.length} indices deleted (${docs} docs), ${report.prunedDocuments.length} pruned, ${report.errors.length} errors`,
    };
  } finally {
    await deleteIndexPrefix(es, prefix);
  }
}

async function anonymise(
  es: Client,
  prefix: string,
  tenant: string,
  selector: { type: SelectorType; value: string },
): Promise<{ operation: Operation; seconds: number }> {
  const names = indexNames(prefix);
  await ensureOperationIndices(es, names, 0);
  await ensureDenyListIndex(es, names, 0);
  const queued = await queueAnonymisation(es, names, {
    tenant,
    requestedBy: 'bench',
    request: { selector, reason: 'benchmark run' },
  });
  const started = process.hrtime.bigint();
  const operation = await runOperation(
    {
      es,
      names,
      logger,
      denyListKey: randomBytes(32).toString('hex'),
      denyListTtlMs: 2 * RETENTION_DAYS * DAY_MS,
      keepSessionLinkage: false,
    },
    queued,
    new Date(),
  );
  return { operation, seconds: secondsSince(started) };
}

const describe = (operation: Operation) => {
  const result = operation.result;
  return `${operation.status}; ${result?.indicesTouched.length ?? 0} indices rewritten and expunged; verification ${result?.verification?.passed ? 'passed' : 'FAILED'} (${result?.verification?.checks ?? 0} checks)`;
};

/**
 * One session's events written into each of the 10 days, among background traffic, then
 * anonymised by session id: rewrite, erasure (force-merge expunge) and verification.
 */
async function sessionRun(es: Client, options: JobsBenchOptions): Promise<Row> {
  const prefix = prefixFor('ses');
  const names = indexNames(prefix);
  try {
    const loaded = await preload(es, {
      indexPrefix: prefix,
      seed: options.seed,
      events: options.sessionBackground,
      days: RETENTION_DAYS,
      concurrency: options.concurrency,
    });
    const bySession = new Map<string, typeof loaded.pool.docs>();
    for (const doc of loaded.pool.docs)
      if (doc.sessionId)
        bySession.set(doc.sessionId, [...(bySession.get(doc.sessionId) ?? []), doc]);
    const [sessionId, docs] = [...bySession].reduce((a, b) => (b[1].length > a[1].length ? b : a));
    const value = `${sessionId}.ten-days`;
    let body = '';
    for (let day = 0; day < RETENTION_DAYS; day += 1) {
      const copy = 1_000_000 + day;
      const shift = loaded.pool.shiftOf(0) + day * DAY_MS;
      for (const doc of docs)
        body += stampDoc(doc, copy, shift, names).line.replaceAll(
          `${sessionId}${copySuffix(copy)}`,
          value,
        );
    }
    await es.transport.request({
      method: 'POST',
      path: '/_bulk',
      bulkBody: body,
      querystring: { refresh: 'true' },
    });
    const tenant = docs.find((doc) => doc.tenant !== undefined)?.tenant as string;
    const { operation, seconds } = await anonymise(es, prefix, tenant, {
      type: 'session_id',
      value,
    });
    return {
      case: 'anonymise 1 session over 10 days',
      events: operation.result?.eventsAnonymised ?? 0,
      seconds,
      detail: `${describe(operation)}; ${loaded.written} background events`,
    };
  } finally {
    await deleteIndexPrefix(es, prefix);
  }
}

/** A data set where every event belongs to one OAuth client of one tenant, anonymised whole. */
async function bulkRun(es: Client, options: JobsBenchOptions): Promise<Row> {
  const prefix = prefixFor('bulk');
  try {
    const loaded = await preload(es, {
      indexPrefix: prefix,
      seed: options.seed,
      events: options.bulkEvents,
      days: RETENTION_DAYS,
      concurrency: options.concurrency,
      generator: { tenants: 1, applications: 1 },
    });
    const sample = loaded.pool.docs.find((doc) => doc.tenant !== undefined);
    const clientId = await es.search<{ ariane?: { client_id?: string } }>({
      index: indexNames(prefix).eventsPattern,
      size: 1,
      query: { exists: { field: 'ariane.client_id' } },
    });
    const value = clientId.hits.hits[0]?._source?.ariane?.client_id as string;
    const { operation, seconds } = await anonymise(es, prefix, sample?.tenant as string, {
      type: 'client_id',
      value,
    });
    const anonymised = operation.result?.eventsAnonymised ?? 0;
    return {
      case: 'anonymise one client id',
      events: anonymised,
      seconds,
      detail: `${describe(operation)}; ${round(anonymised / seconds)} events/s; ${loaded.written} events stored`,
    };
  } finally {
    await deleteIndexPrefix(es, prefix);
  }
}

export async function runJobsBench(
  es: Client,
  options: JobsBenchOptions,
): Promise<Record<string, unknown>> {
  const rows: Row[] = [];
  for (const events of [options.retentionEvents, options.retentionEvents * 10]) {
    rows.push(await retentionRun(es, events, options));
    console.log(`${rows.at(-1)?.case}: ${round(rows.at(-1)?.seconds ?? 0, 2)} s`);
  }
  rows.push(await sessionRun(es, options));
  console.log(`${rows.at(-1)?.case}: ${round(rows.at(-1)?.seconds ?? 0, 2)} s`);
  rows.push(await bulkRun(es, options));
  console.log(
    `\nload average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n` +
      table(
        ['case', 'events', 'seconds', 'detail'],
        rows.map((r) => [r.case, r.events, round(r.seconds, 2), r.detail]),
      ),
  );
  const [one, ten, session, bulk] = rows as [Row, Row, Row, Row];
  return {
    benchmark: 'jobs',
    loadAverage: os.loadavg().map((l) => round(l, 2)),
    retention: {
      events1x: one.events,
      seconds1x: round(one.seconds, 2),
      events10x: ten.events,
      seconds10x: round(ten.seconds, 2),
    },
    session: { events: session.events, seconds: round(session.seconds, 2) },
    bulk: {
      events: bulk.events,
      seconds: round(bulk.seconds, 1),
      eventsPerSecond: round(bulk.events / bulk.seconds),
    },
    ratios: { retention_10x_to_1x: round(ten.seconds / one.seconds, 2) },
  };
}
