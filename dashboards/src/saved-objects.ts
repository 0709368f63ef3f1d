import {
  DATA_VIEWS,
  type Bucket,
  type DashboardSpec,
  type DataViewName,
  type MarkdownPanel,
  type Metric,
  type Panel,
  type QueryDsl,
  type SearchPanel,
  type VisualisationPanel,
} from './panels.js';

/**
 * Kibana 8.19 saved objects built from the panel specs: legacy aggregation-based visualisations
 * (their JSON maps one to one onto Elasticsearch aggregations), saved searches, data views and
 * dashboards. Migration versions are the ones Kibana 8.x exports for each type; Kibana migrates
 * them forward on import, and refuses objects that claim a newer version than it knows.
 */

export interface SavedObject {
  readonly id: string;
  readonly type: 'index-pattern' | 'visualization' | 'search' | 'dashboard';
  readonly attributes: Record<string, unknown>;
  readonly references: { id: string; name: string; type: string }[];
  readonly coreMigrationVersion: string;
  readonly typeMigrationVersion: string;
}

const TYPE_MIGRATION_VERSION: Record<SavedObject['type'], string> = {
  'index-pattern': '8.0.0',
  visualization: '8.5.0',
  search: '8.0.0',
  dashboard: '8.9.0',
};

/**
 * Origin of the query API serving the timeline page, as seen from the browser. The committed files
 * use this default; `importSavedObjects` rewrites it when given another one.
 */
export const DEFAULT_TIMELINE_ORIGIN = 'http://127.0.0.1:8080';
export const TIMELINE_PATH = '/trace/ui/';

function savedObject(
  type: SavedObject['type'],
  id: string,
  attributes: Record<string, unknown>,
  references: SavedObject['references'],
): SavedObject {
  return {
    id,
    type,
    attributes,
    references,
    coreMigrationVersion: '8.8.0',
    typeMigrationVersion: TYPE_MIGRATION_VERSION[type],
  };
}

function timelineLink(route: 'requests' | 'sessions'): Record<string, unknown> {
  return {
    id: 'url',
    params: {
      type: 'a',
      urlTemplate: `${DEFAULT_TIMELINE_ORIGIN}${TIMELINE_PATH}#/${route}/{{value}}`,
      labelTemplate: '{{value}}',
      openLinkInCurrentTab: false,
    },
  };
}

const FIELD_FORMATS: Record<DataViewName, Record<string, unknown>> = {
  events: {
    'event.duration': {
      id: 'duration',
      params: { inputFormat: 'nanoseconds', outputFormat: 'asMilliseconds', outputPrecision: 1 },
    },
    'http.request.id': timelineLink('requests'),
    'ariane.session_id': timelineLink('sessions'),
  },
  audit: {},
};

export function dataViewObject(name: DataViewName): SavedObject {
  const view = DATA_VIEWS[name];
  return savedObject(
    'index-pattern',
    view.id,
    {
      title: view.title,
      name: view.name,
      timeFieldName: view.timeField,
      allowNoIndex: true,
      fieldFormatMap: JSON.stringify(FIELD_FORMATS[name]),
      fieldAttrs: '{}',
      fields: '[]',
      runtimeFieldMap: '{}',
      sourceFilters: '[]',
      typeMeta: '{}',
    },
    [],
  );
}

const INDEX_REF = 'kibanaSavedObjectMeta.searchSourceJSON.index';
const FILTER_REF = 'kibanaSavedObjectMeta.searchSourceJSON.filter[0].meta.index';

/** The search source shared by visualisations and saved searches: one custom DSL filter. */
function searchSource(
  panel: { readonly dataView: DataViewName; readonly filter: { label: string; query: QueryDsl } },
  extra: Record<string, unknown> = {},
): { attribute: Record<string, unknown>; references: SavedObject['references'] } {
  const dataViewId = DATA_VIEWS[panel.dataView].id;
  const filter = {
    $state: { store: 'appState' },
    meta: {
      alias: panel.filter.label,
      disabled: false,
      negate: false,
      type: 'custom',
      key: 'query',
      value: JSON.stringify(panel.filter.query),
      indexRefName: FILTER_REF,
    },
    query: panel.filter.query,
  };
  return {
    attribute: {
      searchSourceJSON: JSON.stringify({
        query: { query: '', language: 'kuery' },
        filter: [filter],
        indexRefName: INDEX_REF,
        ...extra,
      }),
    },
    references: [
      { id: dataViewId, name: INDEX_REF, type: 'index-pattern' },
      { id: dataViewId, name: FILTER_REF, type: 'index-pattern' },
    ],
  };
}

function metricAgg(metric: Metric, id: string): Record<string, unknown> {
  const params: Record<string, unknown> = { customLabel: metric.label };
  if (metric.type !== 'count') params.field = metric.field;
  if (metric.type === 'percentiles') params.percents = [...metric.percents];
  return { id, enabled: true, type: metric.type, schema: 'metric', params };
}

function bucketParams(bucket: Bucket): Record<string, unknown> {
  switch (bucket.type) {
    case 'date_histogram':
      return {
        field: bucket.field,
        interval: 'auto',
        min_doc_count: 1,
        drop_partials: false,
        extended_bounds: {},
        scaleMetricValues: false,
        useNormalizedEsInterval: true,
        customLabel: bucket.label,
      };
    case 'terms':
      // Ordered by the first metric, which is a count in every panel (checked by a unit test).
      return {
        field: bucket.field,
        size: bucket.size,
        order: 'desc',
        orderBy: '1',
        otherBucket: false,
        otherBucketLabel: 'Other',
        missingBucket: false,
        missingBucketLabel: 'Missing',
        customLabel: bucket.label,
      };
    case 'range':
      return {
        field: bucket.field,
        ranges: bucket.ranges.map((band) => ({ ...band })),
        customLabel: bucket.label,
      };
  }
}

function bucketSchema(panel: VisualisationPanel, index: number): string {
  if (panel.chart === 'table') return 'bucket';
  return index === 0 ? 'segment' : 'group';
}

function xyParams(panel: VisualisationPanel): Record<string, unknown> {
  const seriesType = panel.chart === 'line' ? 'line' : 'histogram';
  return {
    type: seriesType,
    addTooltip: true,
    addLegend: true,
    legendPosition: 'right',
    addTimeMarker: false,
    times: [],
    grid: { categoryLines: false },
    labels: { show: false },
    thresholdLine: { show: false, value: 10, width: 1, style: 'full', color: '#E7664C' },
    categoryAxes: [
      {
        id: 'CategoryAxis-1',
        type: 'category',
        position: 'bottom',
        show: true,
        style: {},
        scale: { type: 'linear' },
        labels: { show: true, filter: true, truncate: 100 },
        title: {},
      },
    ],
    valueAxes: [
      {
        id: 'ValueAxis-1',
        name: 'LeftAxis-1',
        type: 'value',
        position: 'left',
        show: true,
        style: {},
        scale: { type: 'linear', mode: 'normal' },
        labels: { show: true, rotate: 0, filter: false, truncate: 100 },
        title: { text: panel.metrics[0]?.label ?? '' },
      },
    ],
    seriesParams: panel.metrics.map((metric, index) => ({
      show: true,
      type: seriesType,
      mode: seriesType === 'line' ? 'normal' : 'stacked',
      data: { id: String(index + 1), label: metric.label },
      valueAxis: 'ValueAxis-1',
      drawLinesBetweenPoints: true,
      lineWidth: 2,
      showCircles: true,
    })),
  };
}

function chartParams(panel: VisualisationPanel): Record<string, unknown> {
  switch (panel.chart) {
    case 'histogram':
    case 'line':
      return xyParams(panel);
    case 'table':
      return {
        perPage: 10,
        showPartialRows: false,
        showMetricsAtAllLevels: false,
        showTotal: false,
        totalFunc: 'sum',
        percentageCol: '',
        autoFitRowToContent: false,
      };
    case 'metric':
      return {
        type: 'metric',
        addTooltip: true,
        addLegend: false,
        metric: {
          percentageMode: false,
          useRanges: false,
          colorSchema: 'Green to Red',
          metricColorMode: 'None',
          colorsRange: [{ from: 0, to: 10000 }],
          labels: { show: true },
          invertColors: false,
          style: { bgFill: '#000', bgColor: false, labelColor: false, subText: '', fontSize: 60 },
        },
      };
  }
}

export function visualisationObject(panel: VisualisationPanel): SavedObject {
  const metricAggs = panel.metrics.map((metric, index) => metricAgg(metric, String(index + 1)));
  const bucketAggs = panel.buckets.map((bucket, index) => ({
    id: String(panel.metrics.length + index + 1),
    enabled: true,
    type: bucket.type,
    schema: bucketSchema(panel, index),
    params: bucketParams(bucket),
  }));
  const source = searchSource(panel);
  return savedObject(
    'visualization',
    panel.id,
    {
      title: panel.title,
      description: panel.description,
      uiStateJSON: '{}',
      version: 1,
      visState: JSON.stringify({
        title: panel.title,
        type: panel.chart,
        aggs: [...metricAggs, ...bucketAggs],
        params: chartParams(panel),
      }),
      kibanaSavedObjectMeta: source.attribute,
    },
    source.references,
  );
}

export function markdownObject(panel: MarkdownPanel): SavedObject {
  return savedObject(
    'visualization',
    panel.id,
    {
      title: panel.title,
      description: '',
      uiStateJSON: '{}',
      version: 1,
      visState: JSON.stringify({
        title: panel.title,
        type: 'markdown',
        aggs: [],
        params: { fontSize: 12, openLinksInNewTab: false, markdown: panel.markdown },
      }),
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({ query: { query: '', language: 'kuery' }, filter: [] }),
      },
    },
    [],
  );
}

export function searchObject(panel: SearchPanel): SavedObject {
  const source = searchSource(panel, { highlightAll: true, version: true });
  return savedObject(
    'search',
    panel.id,
    {
      title: panel.title,
      description: panel.description,
      columns: [...panel.columns],
      sort: [[panel.sortField, 'desc']],
      grid: {},
      hideChart: false,
      isTextBasedQuery: false,
      timeRestore: false,
      kibanaSavedObjectMeta: source.attribute,
    },
    source.references,
  );
}

export function panelObject(panel: Panel): SavedObject {
  switch (panel.kind) {
    case 'visualisation':
      return visualisationObject(panel);
    case 'search':
      return searchObject(panel);
    case 'markdown':
      return markdownObject(panel);
  }
}

const GRID_COLUMNS = 48;

/** Charts go two per row; lists and notes take the full width. */
function gridSize(panel: Panel): { w: number; h: number } {
  if (panel.kind === 'search') return { w: GRID_COLUMNS, h: 20 };
  if (panel.kind === 'markdown') return { w: GRID_COLUMNS, h: 7 };
  return { w: GRID_COLUMNS / 2, h: 14 };
}

export function dashboardObject(spec: DashboardSpec): SavedObject {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const panels = spec.panels.map((panel, index) => {
    const { w, h } = gridSize(panel);
    if (x + w > GRID_COLUMNS) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const panelIndex = `p${index + 1}`;
    const entry = {
      type: panel.kind === 'search' ? 'search' : 'visualization',
      panelIndex,
      gridData: { x, y, w, h, i: panelIndex },
      embeddableConfig: { enhancements: {} },
      panelRefName: `panel_${panelIndex}`,
    };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return {
      entry,
      reference: { id: panel.id, name: `${panelIndex}:panel_${panelIndex}`, type: entry.type },
    };
  });
  return savedObject(
    'dashboard',
    spec.id,
    {
      title: spec.title,
      description: spec.description,
      version: 1,
      timeRestore: true,
      timeFrom: 'now-24h',
      timeTo: 'now',
      refreshInterval: { pause: true, value: 0 },
      optionsJSON: JSON.stringify({
        useMargins: true,
        syncColors: false,
        syncCursor: true,
        syncTooltips: false,
        hidePanelTitles: false,
      }),
      panelsJSON: JSON.stringify(panels.map((panel) => panel.entry)),
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({ query: { query: '', language: 'kuery' }, filter: [] }),
      },
    },
    panels.map((panel) => panel.reference),
  );
}

/** Everything one dashboard file holds: the data views it needs, its panels, the dashboard. */
export function dashboardFileObjects(spec: DashboardSpec): SavedObject[] {
  const views = new Set<DataViewName>();
  for (const panel of spec.panels) if (panel.kind !== 'markdown') views.add(panel.dataView);
  return [
    ...[...views].sort().map(dataViewObject),
    ...spec.panels.map(panelObject),
    dashboardObject(spec),
  ];
}
