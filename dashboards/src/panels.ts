/**
 * What every Kibana panel asks Elasticsearch, in one place. The saved objects
 * (saved-objects.ts) and the integration test that runs these aggregations against real
 * Elasticsearch both read these specs, so a dashboard cannot drift from what is tested.
 *
 * A panel is a filter in Elasticsearch query DSL (stored in Kibana as a custom filter, so Kibana
 * sends exactly this DSL), bucket aggregations nested in order (first is the x axis or table rows,
 * second the split series), and metrics computed in the innermost bucket.
 */

export type QueryDsl = Record<string, unknown>;

export type DataViewName = 'events' | 'audit';

export type Metric =
  | { readonly type: 'count'; readonly label: string }
  | { readonly type: 'sum' | 'avg'; readonly field: string; readonly label: string }
  | {
      readonly type: 'percentiles';
      readonly field: string;
      readonly percents: readonly number[];
      readonly label: string;
    };

export interface RangeBand {
  readonly from?: number;
  readonly to?: number;
  readonly label: string;
}

export type Bucket =
  | { readonly type: 'date_histogram'; readonly field: string; readonly label: string }
  | {
      readonly type: 'terms';
      readonly field: string;
      readonly size: number;
      readonly label: string;
    }
  | {
      readonly type: 'range';
      readonly field: string;
      readonly ranges: readonly RangeBand[];
      readonly label: string;
    };

export type Chart = 'histogram' | 'line' | 'table' | 'metric';

export interface VisualisationPanel {
  readonly kind: 'visualisation';
  /** Kibana saved-object id; stable, so a re-import overwrites instead of duplicating. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly dataView: DataViewName;
  readonly chart: Chart;
  readonly filter: { readonly label: string; readonly query: QueryDsl };
  readonly metrics: readonly Metric[];
  readonly buckets: readonly Bucket[];
}

export interface SearchPanel {
  readonly kind: 'search';
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly dataView: DataViewName;
  readonly filter: { readonly label: string; readonly query: QueryDsl };
  readonly columns: readonly string[];
  readonly sortField: string;
}

export interface MarkdownPanel {
  readonly kind: 'markdown';
  readonly id: string;
  readonly title: string;
  readonly markdown: string;
}

export type Panel = VisualisationPanel | SearchPanel | MarkdownPanel;
export type QueryPanel = VisualisationPanel | SearchPanel;

export interface DataViewSpec {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly timeField: string;
}

/** Index names assume the default ARIANE_INDEX_PREFIX `ariane` (see dashboards/README.md). */
export const DATA_VIEWS: Readonly<Record<DataViewName, DataViewSpec>> = {
  events: {
    id: 'ariane-events',
    name: 'Ariane events',
    title: 'ariane-events-*',
    timeField: '@timestamp',
  },
  audit: { id: 'ariane-audit', name: 'Ariane audit', title: 'ariane-audit', timeField: 'at' },
};

const STATUS = 'http.response.status_code';
const DURATION = 'event.duration';

/**
 * One document per request: the gateway's leg 0 (client to gateway) when Axway legs are ingested,
 * or the generic gateway access-log line. Backend legs and service logs are hops, not requests.
 */
export const REQUESTS: QueryDsl = {
  bool: {
    should: [
      {
        bool: {
          filter: [{ term: { 'event.dataset': 'axway.leg' } }, { term: { 'ariane.leg': 0 } }],
        },
      },
      { term: { 'event.dataset': 'gateway.access' } },
    ],
    minimum_should_match: 1,
  },
};

/** Any event a support engineer should look at: failed, 4xx/5xx, an error code, or an ingest flag. */
export const ERRORS_AND_ANOMALIES: QueryDsl = {
  bool: {
    should: [
      { term: { 'event.outcome': 'failure' } },
      { range: { [STATUS]: { gte: 400 } } },
      { exists: { field: 'error.code' } },
      { exists: { field: 'ariane.flags' } },
    ],
    minimum_should_match: 1,
  },
};

function both(...queries: QueryDsl[]): QueryDsl {
  return { bool: { filter: queries } };
}

const STATUS_CLASSES: readonly RangeBand[] = [
  { from: 100, to: 200, label: '1xx' },
  { from: 200, to: 300, label: '2xx' },
  { from: 300, to: 400, label: '3xx' },
  { from: 400, to: 500, label: '4xx' },
  { from: 500, to: 600, label: '5xx' },
];

const overTime: Bucket = { type: 'date_histogram', field: '@timestamp', label: 'Time' };
const auditOverTime: Bucket = { type: 'date_histogram', field: 'at', label: 'Time' };
const statusClass: Bucket = {
  type: 'range',
  field: STATUS,
  ranges: STATUS_CLASSES,
  label: 'Status class',
};
const count: Metric = { type: 'count', label: 'Requests' };
const requestsFilter = { label: 'Requests (gateway leg 0 or access log)', query: REQUESTS };

export const TRAFFIC_PANELS: readonly Panel[] = [
  {
    kind: 'visualisation',
    id: 'ariane-traffic-status-classes',
    title: 'Requests over time by status class',
    description: 'One count per request, split by HTTP status class.',
    dataView: 'events',
    chart: 'histogram',
    filter: requestsFilter,
    metrics: [count],
    buckets: [overTime, statusClass],
  },
  {
    kind: 'visualisation',
    id: 'ariane-traffic-latency',
    title: 'Request latency p50 / p95 / p99',
    description: 'End-to-end duration seen by the gateway (leg 0 or access log).',
    dataView: 'events',
    chart: 'line',
    filter: requestsFilter,
    metrics: [{ type: 'percentiles', field: DURATION, percents: [50, 95, 99], label: 'Latency' }],
    buckets: [overTime],
  },
  {
    kind: 'visualisation',
    id: 'ariane-traffic-gateway-vs-backend',
    title: 'Time end to end against time in backends',
    description:
      'Summed durations of gateway leg 0 (end to end) and legs 1+ (calls to backends); the gap is time spent in the gateway.',
    dataView: 'events',
    chart: 'histogram',
    filter: { label: 'Axway legs', query: { term: { 'event.dataset': 'axway.leg' } } },
    metrics: [{ type: 'sum', field: DURATION, label: 'Total time' }],
    buckets: [
      overTime,
      {
        type: 'range',
        field: 'ariane.leg',
        ranges: [
          { from: 0, to: 1, label: 'end to end (leg 0)' },
          { from: 1, label: 'in backends (legs 1+)' },
        ],
        label: 'Leg',
      },
    ],
  },
  {
    kind: 'visualisation',
    id: 'ariane-traffic-top-endpoints',
    title: 'Top endpoints',
    description: 'Busiest paths with their p95 latency.',
    dataView: 'events',
    chart: 'table',
    filter: requestsFilter,
    metrics: [count, { type: 'percentiles', field: DURATION, percents: [95], label: 'Latency' }],
    buckets: [{ type: 'terms', field: 'url.path', size: 10, label: 'Endpoint' }],
  },
  {
    kind: 'visualisation',
    id: 'ariane-traffic-top-clients',
    title: 'Top OAuth clients',
    description: 'Requests per authenticated OAuth client or API key.',
    dataView: 'events',
    chart: 'table',
    filter: requestsFilter,
    metrics: [count],
    buckets: [{ type: 'terms', field: 'ariane.client_id', size: 10, label: 'OAuth client' }],
  },
  {
    kind: 'visualisation',
    id: 'ariane-traffic-rejections',
    title: '4xx and 5xx by status code',
    description: 'Rejected and failed requests; 429 is the gateway quota.',
    dataView: 'events',
    chart: 'histogram',
    filter: {
      label: 'Requests with status >= 400',
      query: both(REQUESTS, { range: { [STATUS]: { gte: 400 } } }),
    },
    metrics: [count],
    buckets: [overTime, { type: 'terms', field: STATUS, size: 10, label: 'Status' }],
  },
  {
    kind: 'visualisation',
    id: 'ariane-traffic-quota',
    title: '429 quota rejections',
    description: 'Requests the gateway refused because a quota or usage limit was reached.',
    dataView: 'events',
    chart: 'metric',
    filter: {
      label: 'Requests with status 429',
      query: both(REQUESTS, { term: { [STATUS]: 429 } }),
    },
    metrics: [{ type: 'count', label: 'Quota rejections' }],
    buckets: [],
  },
  {
    kind: 'visualisation',
    id: 'ariane-traffic-tenants',
    title: 'Requests per tenant',
    description: 'Requests per X-Tenant-Id, split by status class.',
    dataView: 'events',
    chart: 'histogram',
    filter: requestsFilter,
    metrics: [count],
    buckets: [{ type: 'terms', field: 'organization.id', size: 20, label: 'Tenant' }, statusClass],
  },
];

const errorsFilter = { label: 'Errors and anomalies', query: ERRORS_AND_ANOMALIES };

export const INCIDENT_PANELS: readonly Panel[] = [
  {
    kind: 'markdown',
    id: 'ariane-incident-help',
    title: 'How to use',
    markdown: [
      'Type in the search bar to narrow the dashboard to one request or one session:',
      '',
      '- `http.request.id : "<X-Request-Id>"`',
      '- `ariane.session_id : "<X-Application-Id>"`',
      '',
      'Request ids and session ids in the list below open the Ariane timeline page.',
    ].join('\n'),
  },
  {
    kind: 'search',
    id: 'ariane-incident-errors',
    title: 'Errors and anomalies',
    description: 'Failed events, 4xx/5xx, error codes and ingest flags, newest first.',
    dataView: 'events',
    filter: errorsFilter,
    columns: [
      'http.request.id',
      'ariane.session_id',
      'service.name',
      'http.request.method',
      'url.path',
      STATUS,
      'error.code',
      'ariane.flags',
    ],
    sortField: '@timestamp',
  },
  {
    kind: 'visualisation',
    id: 'ariane-incident-errors-by-service',
    title: 'Errors and anomalies by service',
    description: 'Where failures happen: the gateway or a backend service.',
    dataView: 'events',
    chart: 'histogram',
    filter: errorsFilter,
    metrics: [{ type: 'count', label: 'Events' }],
    buckets: [overTime, { type: 'terms', field: 'service.name', size: 10, label: 'Service' }],
  },
  {
    kind: 'visualisation',
    id: 'ariane-incident-flags',
    title: 'Ingest flags',
    description:
      'Events the ingest flagged (future timestamp, missing request id, redacted secret...).',
    dataView: 'events',
    chart: 'table',
    filter: { label: 'Flagged events', query: { exists: { field: 'ariane.flags' } } },
    metrics: [{ type: 'count', label: 'Events' }],
    buckets: [{ type: 'terms', field: 'ariane.flags', size: 10, label: 'Flag' }],
  },
];

const allAudit = { label: 'Audit records', query: { exists: { field: 'kind' } } };

export const COMPLIANCE_PANELS: readonly Panel[] = [
  {
    kind: 'visualisation',
    id: 'ariane-compliance-runs',
    title: 'Job runs over time',
    description:
      'Retention runs, anonymisation operations and Kafka topic checks recorded in the audit index.',
    dataView: 'audit',
    chart: 'histogram',
    filter: allAudit,
    metrics: [{ type: 'count', label: 'Runs' }],
    buckets: [auditOverTime, { type: 'terms', field: 'kind', size: 5, label: 'Kind' }],
  },
  {
    kind: 'visualisation',
    id: 'ariane-compliance-outcomes',
    title: 'Outcomes by kind',
    description: 'Successful, failed and dry runs per kind of job.',
    dataView: 'audit',
    chart: 'table',
    filter: allAudit,
    metrics: [{ type: 'count', label: 'Runs' }],
    buckets: [
      { type: 'terms', field: 'kind', size: 5, label: 'Kind' },
      { type: 'terms', field: 'outcome', size: 5, label: 'Outcome' },
    ],
  },
  {
    kind: 'visualisation',
    id: 'ariane-compliance-anonymisations-per-tenant',
    title: 'Anonymisation operations per tenant',
    description: 'Finished anonymisation operations per tenant.',
    dataView: 'audit',
    chart: 'table',
    filter: { label: 'Anonymisations', query: { term: { kind: 'anonymisation' } } },
    metrics: [{ type: 'count', label: 'Operations' }],
    buckets: [{ type: 'terms', field: 'tenant', size: 20, label: 'Tenant' }],
  },
  {
    kind: 'search',
    id: 'ariane-compliance-records',
    title: 'Audit records',
    description:
      'Every recorded run; expand a record to see its counts. No personal data is stored here.',
    dataView: 'audit',
    filter: allAudit,
    columns: ['kind', 'outcome', 'tenant', 'operationId'],
    sortField: 'at',
  },
];

export interface DashboardSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** File under dashboards/saved-objects/; the numeric prefix fixes the import order. */
  readonly file: string;
  readonly panels: readonly Panel[];
}

export const DASHBOARDS: readonly DashboardSpec[] = [
  {
    id: 'ariane-traffic',
    title: 'Ariane: Traffic',
    description: 'Requests, latency, errors and quota rejections through the gateway.',
    file: '10-traffic.ndjson',
    panels: TRAFFIC_PANELS,
  },
  {
    id: 'ariane-incident',
    title: 'Ariane: Incident',
    description: 'Errors and anomalies for one request or session, linked to the timeline page.',
    file: '20-incident.ndjson',
    panels: INCIDENT_PANELS,
  },
  {
    id: 'ariane-compliance',
    title: 'Ariane: Compliance',
    description: 'Retention runs and anonymisation operations from the audit index.',
    file: '30-compliance.ndjson',
    panels: COMPLIANCE_PANELS,
  },
];

export function queryPanels(): QueryPanel[] {
  return DASHBOARDS.flatMap((dashboard) =>
    dashboard.panels.filter((panel): panel is QueryPanel => panel.kind !== 'markdown'),
  );
}

/** Every field a panel filters, aggregates, or shows as a column, with how it uses it. */
export function fieldsUsed(panel: QueryPanel): { field: string; use: 'aggregated' | 'shown' }[] {
  if (panel.kind === 'search')
    return [
      ...panel.columns.map((field) => ({ field, use: 'shown' as const })),
      { field: panel.sortField, use: 'aggregated' },
    ];
  const fields = [
    ...panel.buckets.map((bucket) => bucket.field),
    ...panel.metrics.flatMap((metric) => ('field' in metric ? [metric.field] : [])),
  ];
  return fields.map((field) => ({ field, use: 'aggregated' }));
}

// --- The Elasticsearch side: the request Kibana sends for a panel, and its result as rows. ---

function metricAggregation(metric: Metric): Record<string, unknown> | undefined {
  switch (metric.type) {
    case 'count':
      return undefined;
    case 'sum':
    case 'avg':
      return { [metric.type]: { field: metric.field } };
    case 'percentiles':
      return { percentiles: { field: metric.field, percents: [...metric.percents] } };
  }
}

function bucketAggregation(bucket: Bucket, interval: string): Record<string, unknown> {
  switch (bucket.type) {
    case 'date_histogram':
      // Kibana picks the interval from the time picker; the test fixes it to get stable buckets.
      return {
        date_histogram: { field: bucket.field, fixed_interval: interval, min_doc_count: 1 },
      };
    case 'terms':
      return { terms: { field: bucket.field, size: bucket.size, order: { _count: 'desc' } } };
    case 'range':
      return {
        range: {
          field: bucket.field,
          keyed: true,
          ranges: bucket.ranges.map((band) => ({
            key: band.label,
            ...(band.from !== undefined && { from: band.from }),
            ...(band.to !== undefined && { to: band.to }),
          })),
        },
      };
  }
}

function metricsAggregations(panel: VisualisationPanel): Record<string, unknown> {
  const aggs: Record<string, unknown> = {};
  panel.metrics.forEach((metric, index) => {
    const agg = metricAggregation(metric);
    if (agg) aggs[`m${index}`] = agg;
  });
  return aggs;
}

/** The search body behind a panel: its filter and its aggregations nested like Kibana nests them. */
export function panelSearch(
  panel: VisualisationPanel,
  options: { readonly interval: string } = { interval: '1h' },
): { size: 0; query: QueryDsl; aggs: Record<string, unknown> } {
  let inner = metricsAggregations(panel);
  for (let index = panel.buckets.length - 1; index >= 0; index -= 1) {
    const bucket = panel.buckets[index] as Bucket;
    const agg = bucketAggregation(bucket, options.interval);
    inner = { [`b${index}`]: Object.keys(inner).length > 0 ? { ...agg, aggs: inner } : agg };
  }
  return { size: 0, query: panel.filter.query, aggs: inner };
}

export type Cell = string | number | null;

interface RawBucket {
  key?: unknown;
  key_as_string?: string;
  doc_count: number;
  [name: string]: unknown;
}

function metricCells(panel: VisualisationPanel, node: RawBucket, docCount: number): Cell[] {
  return panel.metrics.flatMap((metric, index): Cell[] => {
    if (metric.type === 'count') return [docCount];
    const value = node[`m${index}`] as {
      value?: number | null;
      values?: Record<string, number | null>;
    };
    if (metric.type === 'percentiles')
      return metric.percents.map((percent) => value.values?.[percent.toFixed(1)] ?? null);
    return [value.value ?? null];
  });
}

function bucketList(aggregation: unknown): { label: string; bucket: RawBucket }[] {
  const buckets = (aggregation as { buckets: RawBucket[] | Record<string, RawBucket> }).buckets;
  if (Array.isArray(buckets))
    return buckets.map((bucket) => ({
      label: bucket.key_as_string ?? String(bucket.key),
      bucket,
    }));
  return Object.entries(buckets).map(([label, bucket]) => ({ label, bucket }));
}

/**
 * The response as table rows, the way Kibana tabulates it: one row per innermost bucket with
 * documents, bucket labels first, then metric values (one per percentile). Empty buckets are
 * dropped, as Kibana's charts do not draw them.
 */
export function tabulate(
  panel: VisualisationPanel,
  response: { hits: { total?: unknown }; aggregations?: Record<string, unknown> },
): Cell[][] {
  const rows: Cell[][] = [];
  const walk = (node: RawBucket, depth: number, labels: Cell[]): void => {
    if (depth === panel.buckets.length) {
      rows.push([...labels, ...metricCells(panel, node, node.doc_count)]);
      return;
    }
    for (const { label, bucket } of bucketList(node[`b${depth}`])) {
      if (bucket.doc_count > 0) walk(bucket, depth + 1, [...labels, label]);
    }
  };
  const total = response.hits.total;
  const docCount = typeof total === 'number' ? total : ((total as { value: number }).value ?? 0);
  walk({ ...response.aggregations, doc_count: docCount }, 0, []);
  return rows;
}
