import type { RequestTimeline, TreeLink } from '../../query-api/src/contract/request-timeline.js';
import type { SessionTimeline } from '../../query-api/src/contract/session-timeline.js';
import { diagnosisLabel, diagnosisTone, renderFailuresByOrigin } from './diagnosis.js';
import { formatMs, painter, statusTone } from './style.js';

export interface RenderOptions {
  /** Terminal columns; bars take what the labels leave. */
  readonly width: number;
  readonly colour: boolean;
}

/**
 * The start and end columns of a bar for [start, end] on an axis from `origin` spanning `span`
 * ms over `columns` characters. A bar is at least one column wide, so an instant stays visible;
 * reversed times (clock skew) are drawn from the earlier to the later one.
 */
export function barColumns(
  start: number,
  end: number,
  origin: number,
  span: number,
  columns: number,
): [number, number] {
  const [from, to] = start <= end ? [start, end] : [end, start];
  const scale = span > 0 ? columns / span : 0;
  const first = Math.min(columns - 1, Math.max(0, Math.floor((from - origin) * scale)));
  const last = Math.min(columns, Math.max(first + 1, Math.ceil((to - origin) * scale)));
  return [first, last];
}

function bar(first: number, last: number, columns: number): string {
  return ' '.repeat(first) + '█'.repeat(last - first) + ' '.repeat(columns - last);
}

/** How sure the tree is of a hop's caller: nothing for a logged link, else a mark. */
const LINK_MARK: Record<TreeLink, string> = {
  root: '',
  gateway: '',
  trace_context: '',
  correlation: '',
  inferred: ' ~',
  ambiguous: ' ?',
  unresolved: ' ?',
};

/** A hop in the call tree: indented under its caller, gateway hops named by their leg. */
function treeLabel(hop: RequestTimeline['hops'][number]): string {
  const name =
    hop.kind === 'gateway_leg'
      ? `leg ${hop.leg ?? '?'} ${hop.service}`
      : hop.kind === 'gateway_access'
        ? `access ${hop.service}`
        : hop.service;
  return `${'  '.repeat(hop.depth)}${hop.depth > 0 ? '└ ' : ''}${name}${LINK_MARK[hop.link]}`;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

/**
 * A request timeline for a terminal: its diagnosis and where the time went, then the call tree
 * as a waterfall, one row per hop, indented under its caller, on a shared time axis.
 */
export function renderRequestWaterfall(timeline: RequestTimeline, options: RenderOptions): string {
  const paint = painter(options.colour);
  const { summary, hops, anomalies } = timeline;
  const lines: string[] = [];
  const status = summary.finalStatus;
  lines.push(
    `${paint('bold', `Request ${timeline.requestId}`)}  ${summary.method ?? '?'} ${summary.path ?? '?'} → ` +
      `${paint(statusTone(status, summary.outcome), String(status ?? '-'))}  ${formatMs(summary.totalDurationMs)}` +
      `  (gateway ${formatMs(summary.gatewayMs)}, backends ${formatMs(summary.backendMs)})`,
  );
  const correlation = summary.correlation;
  lines.push(
    paint(
      'dim',
      [
        `tenant ${correlation.tenant}`,
        correlation.sessionIds.length > 0 && `session ${correlation.sessionIds.join(', ')}`,
        correlation.clientIds.length > 0 && `client ${correlation.clientIds.join(', ')}`,
        correlation.transactionIds.length > 0 && `axway ${correlation.transactionIds.join(', ')}`,
        `${summary.eventCount}/${summary.totalEvents} events`,
      ]
        .filter(Boolean)
        .join(' · '),
    ),
  );
  const { diagnosis, timeBudget: budget } = timeline;
  lines.push(paint(diagnosisTone(diagnosis), `Diagnosis: ${diagnosis.summary}`));
  const baseline = budget.baseline;
  const route =
    baseline && budget.ratioToMedian !== null
      ? ` · ${budget.ratioToMedian}× the route's median (p50 ${formatMs(baseline.p50Ms)}, p95 ${formatMs(baseline.p95Ms)})`
      : '';
  lines.push(
    `Time: gateway ${formatMs(budget.gatewayMs)} · network ${formatMs(budget.networkMs)} · ` +
      `backends ${formatMs(budget.backendMs)}${route}`,
  );
  const anomalousHops = new Set(anomalies.flatMap((anomaly) => anomaly.hops));
  if (hops.length > 0) {
    const starts = hops.map((hop) => Date.parse(hop.start));
    const ends = hops.map((hop) => Date.parse(hop.end));
    const origin = Math.min(...starts, ...ends);
    const span = Math.max(...starts, ...ends) - origin;
    const labelWidth = 2 + 30 + 1 + 4 + 1 + 10 + 1;
    const columns = Math.max(10, options.width - labelWidth - 2);
    lines.push('');
    lines.push(
      `${' '.repeat(labelWidth + 1)}${paint('dim', `0 ms${formatMs(span).padStart(columns - 4)}`)}`,
    );
    const critical = new Set(budget.criticalPath);
    for (const index of timeline.callTree.order) {
      const hop = hops[index];
      if (!hop) continue;
      const [first, last] = barColumns(
        Date.parse(hop.start),
        Date.parse(hop.end),
        origin,
        span,
        columns,
      );
      const tone = statusTone(hop.status, hop.outcome);
      const marker = anomalousHops.has(index) ? paint('bad', '!') : ' ';
      const label = truncate(treeLabel(hop), 30);
      lines.push(
        `${marker} ${critical.has(index) ? paint('bold', label) : label} ` +
          `${paint(tone, String(hop.status ?? '-').padEnd(4))} ${formatMs(hop.durationMs).padStart(10)} ` +
          `|${paint(tone, bar(first, last, columns))}|`,
      );
    }
    if (hops.some((hop) => LINK_MARK[hop.link] !== ''))
      lines.push(
        paint('dim', '  ~ caller inferred from times   ? caller uncertain: clocks disagree'),
      );
  }
  if (anomalies.length > 0) {
    lines.push('', paint('bold', 'Anomalies'));
    for (const anomaly of anomalies)
      lines.push(`${paint('bad', '!')} ${paint('warn', anomaly.type)}: ${anomaly.message}`);
  }
  if (summary.errors.length > 0) {
    lines.push('', paint('bold', 'Errors'));
    for (const error of summary.errors)
      lines.push(
        `  ${error.service} ${error.status ?? ''} ${error.code ?? ''} ${error.message ?? ''}`.trimEnd(),
      );
  }
  if (timeline.truncated)
    lines.push('', paint('warn', 'The timeline is truncated: not every event is shown.'));
  return `${lines.join('\n')}\n`;
}

/** A session: its summary, then one row per request in time order on the session's time axis. */
export function renderSessionWaterfall(session: SessionTimeline, options: RenderOptions): string {
  const paint = painter(options.colour);
  const { summary } = session;
  const lines = [
    `${paint('bold', `Session ${session.applicationId}`)}  ${summary.requests} requests, ` +
      `${paint(summary.failedRequests > 0 ? 'bad' : 'ok', `${summary.failedRequests} failed`)}, ` +
      `over ${formatMs(summary.spanMs)}`,
    `Failures by origin: ${renderFailuresByOrigin(summary.failuresByOrigin, paint)}`,
    paint(
      'dim',
      `${summary.start ?? '?'} → ${summary.end ?? '?'} · services ${summary.services.join(', ') || '-'}`,
    ),
  ];
  const requests = session.$results;
  const timed = requests.filter((request) => request.start !== null);
  const origin = Math.min(...timed.map((request) => Date.parse(request.start as string)));
  const endOf = (request: (typeof requests)[number]) =>
    Date.parse(request.start as string) + (request.durationMs ?? 0);
  const span = timed.length > 0 ? Math.max(...timed.map(endOf)) - origin : 0;
  const labelWidth = 2 + 24 + 1 + 7 + 1 + 24 + 1 + 4 + 1 + 10 + 1;
  const columns = Math.max(10, options.width - labelWidth - 2);
  lines.push('');
  for (const request of requests) {
    const tone = statusTone(request.status, request.errors > 0 ? 'failure' : 'success');
    const marker = request.anomalies.length > 0 ? paint('bad', '!') : ' ';
    const timeline =
      request.start === null
        ? ' '.repeat(columns)
        : bar(
            ...barColumns(Date.parse(request.start), endOf(request), origin, span, columns),
            columns,
          );
    lines.push(
      `${marker} ${truncate(request.requestId, 24)} ${(request.method ?? '?').padEnd(7)} ` +
        `${truncate(request.path ?? '?', 24)} ${paint(tone, String(request.status ?? '-').padEnd(4))} ` +
        `${formatMs(request.durationMs).padStart(10)} |${paint(tone, timeline)}|`,
    );
    if (request.diagnosis.kind !== 'ok')
      lines.push(
        `    ${paint(diagnosisTone(request.diagnosis), `${diagnosisLabel(request.diagnosis)}: ${request.diagnosis.summary}`)}`,
      );
    if (request.anomalies.length > 0)
      lines.push(`    ${paint('warn', request.anomalies.join(', '))}`);
  }
  const hits = session.$hits;
  lines.push(
    '',
    paint('dim', `requests ${hits.offset + 1}-${hits.offset + hits.size} of ${hits.total}`),
  );
  if (session.truncated)
    lines.push(paint('warn', 'Summaries are partial: the page had too many events.'));
  return `${lines.join('\n')}\n`;
}
