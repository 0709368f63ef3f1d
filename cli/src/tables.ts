import type { Operation } from '../../core/src/anonymisation/operations.js';
import type { RequestSearchPage } from '../../query-api/src/contract/request-search.js';
import type { OperationPage } from './api-client.js';
import { diagnosisLabel, diagnosisTone } from './diagnosis.js';
import { formatMs, painter, statusTone, type Paint } from './style.js';

type Row = Readonly<Record<string, unknown>>;

function at(record: Row, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => {
    if (value === null || typeof value !== 'object') return undefined;
    return (value as Record<string, unknown>)[key];
  }, record);
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Search results, one line per stored event. */
export function renderEvents(
  page: { $hits: { total: number; offset: number; size: number }; $results: Row[] },
  colour: boolean,
): string {
  const paint = painter(colour);
  const lines = page.$results.map((event) => {
    const status = at(event, 'http.response.status_code');
    const duration = at(event, 'event.duration');
    return [
      text(at(event, '@timestamp')),
      text(at(event, 'http.request.id')).padEnd(24),
      text(at(event, 'service.name')).padEnd(16),
      text(at(event, 'http.request.method')).padEnd(6),
      text(at(event, 'url.path')).padEnd(28),
      paint(statusTone(typeof status === 'number' ? status : null), text(status).padEnd(4)),
      (typeof duration === 'number' ? formatMs(duration / 1e6) : '-').padStart(10),
    ].join(' ');
  });
  const { total, offset, size } = page.$hits;
  lines.push(
    paint('dim', size === 0 ? 'no events' : `events ${offset + 1}-${offset + size} of ${total}`),
  );
  return `${lines.join('\n')}\n`;
}

/** Search results grouped by request: one line each, ending with its diagnosis. */
export function renderRequestRows(page: RequestSearchPage, colour: boolean): string {
  const paint = painter(colour);
  const lines = page.$results.map((row) =>
    [
      text(row.start),
      row.requestId.padEnd(24),
      text(row.method).padEnd(6),
      text(row.path).padEnd(28),
      paint(statusTone(row.status), text(row.status).padEnd(4)),
      formatMs(row.durationMs).padStart(10),
      paint(
        diagnosisTone(row.diagnosis),
        `${diagnosisLabel(row.diagnosis)}: ${row.diagnosis.summary}`,
      ),
    ].join(' '),
  );
  const { total, offset, size } = page.$hits;
  lines.push(
    paint(
      'dim',
      size === 0 ? 'no requests' : `requests ${offset + 1}-${offset + size} of ${total}`,
    ),
  );
  if (page.truncated) lines.push(paint('warn', 'Rows are partial: the page had too many events.'));
  return `${lines.join('\n')}\n`;
}

function statusPaint(paint: Paint, status: Operation['status']): string {
  const tone = status === 'done' ? 'ok' : status === 'failed' ? 'bad' : 'warn';
  return paint(tone, status.padEnd(7));
}

export function renderOperations(page: OperationPage, colour: boolean): string {
  const paint = painter(colour);
  const lines = page.$results.map((operation) =>
    [
      operation.operationId,
      statusPaint(paint, operation.status),
      operation.selector.type.padEnd(10),
      operation.createdAt,
      `${operation.progress.done}/${operation.progress.total}`,
      operation.reason,
    ].join('  '),
  );
  lines.push(paint('dim', `${page.$results.length} of ${page.$hits.total} operations`));
  return `${lines.join('\n')}\n`;
}

export function renderOperation(operation: Operation, colour: boolean): string {
  const paint = painter(colour);
  const result = operation.result;
  const lines = [
    `${paint('bold', `Operation ${operation.operationId}`)}  ${statusPaint(paint, operation.status).trimEnd()}`,
    `  selector   ${operation.selector.type}${operation.selector.from ? ` from ${operation.selector.from}` : ''}${operation.selector.to ? ` to ${operation.selector.to}` : ''}`,
    `  tenant     ${operation.tenant}`,
    `  reason     ${operation.reason}`,
    `  requested  ${operation.createdAt} by ${operation.requestedBy}`,
    `  progress   ${operation.progress.done}/${operation.progress.total} events`,
  ];
  if (operation.finishedAt) lines.push(`  finished   ${operation.finishedAt}`);
  if (result) {
    lines.push(
      `  events     ${result.eventsMatched} matched, ${result.eventsAnonymised} anonymised, ${result.eventsDeleted} deleted`,
      `  indices    ${result.indicesTouched.join(', ') || '-'}`,
    );
    if (result.verification)
      lines.push(
        `  verified   ${result.verification.passed ? paint('ok', 'passed') : paint('bad', 'FAILED')} (${result.verification.checks} checks)` +
          (result.verification.failures.length > 0
            ? `: ${result.verification.failures.join(', ')}`
            : ''),
      );
    for (const error of result.errors)
      lines.push(`  ${paint('bad', 'error')}      ${error.code}: ${error.message}`);
  }
  return `${lines.join('\n')}\n`;
}
