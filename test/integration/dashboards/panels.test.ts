import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ensureOperationIndices } from '../../../core/src/anonymisation/operation-log.js';
import { indexNames, type IndexNames } from '../../../core/src/es/index-names.js';
import { installEventsTemplate } from '../../../core/src/es/setup.js';
import { writeAudit, type AuditRecord } from '../../../jobs/src/audit.js';
import {
  panelSearch,
  queryPanels,
  tabulate,
  type Cell,
  type QueryPanel,
} from '../../../dashboards/src/panels.js';
import { DASHBOARD_FIXTURES, indexEvents } from '../../helpers/dashboards.js';
import { EsTestContext } from '../../helpers/elasticsearch.js';

/**
 * Runs the exact aggregations behind every Kibana panel against real Elasticsearch, on the
 * fixture day of test/helpers/dashboards.ts, with the index template and audit mapping the
 * services install. Expected rows are bucket labels then metric values, as Kibana tabulates them.
 */

const H10 = '2025-03-10T10:00:00.000Z';
const H11 = '2025-03-10T11:00:00.000Z';
const MS = 1_000_000;

const AUDIT: AuditRecord[] = [
  {
    kind: 'retention',
    at: '2025-03-10T10:00:00.000Z',
    outcome: 'success',
    details: { deletedIndices: 1 },
  },
  { kind: 'retention', at: '2025-03-10T10:30:00.000Z', outcome: 'dry_run', details: {} },
  {
    kind: 'anonymisation',
    at: '2025-03-10T10:45:00.000Z',
    operationId: 'op-1',
    tenant: 'tenant-a',
    outcome: 'success',
    details: {},
  },
  { kind: 'kafka_topics', at: '2025-03-10T11:00:00.000Z', outcome: 'success', details: {} },
  {
    kind: 'anonymisation',
    at: '2025-03-10T11:15:00.000Z',
    operationId: 'op-2',
    tenant: 'tenant-a',
    outcome: 'failure',
    details: {},
  },
  {
    kind: 'anonymisation',
    at: '2025-03-10T11:20:00.000Z',
    operationId: 'op-3',
    tenant: 'tenant-b',
    outcome: 'success',
    details: {},
  },
];

/** Expected rows per visualisation; saved searches are checked by their hit count. */
const EXPECTED: Record<string, Cell[][] | number> = {
  'ariane-traffic-status-classes': [
    [H10, '2xx', 2],
    [H10, '4xx', 1],
    [H11, '4xx', 1],
    [H11, '5xx', 1],
  ],
  // With so few values Elasticsearch's percentiles are exact: linear interpolation between ranks.
  'ariane-traffic-latency': [
    [H10, 100 * MS, 190 * MS, 198 * MS],
    [H11, 175 * MS, 287.5 * MS, 297.5 * MS],
  ],
  'ariane-traffic-gateway-vs-backend': [
    [H10, 'end to end (leg 0)', 310 * MS],
    [H10, 'in backends (legs 1+)', 210 * MS],
    [H11, 'end to end (leg 0)', 300 * MS],
    [H11, 'in backends (legs 1+)', 250 * MS],
  ],
  'ariane-traffic-top-endpoints': [
    ['/v1/units', 3, 290 * MS],
    ['/v1/objects', 2, 48 * MS],
  ],
  'ariane-traffic-top-clients': [
    ['c1', 3],
    ['c2', 2],
  ],
  'ariane-traffic-rejections': [
    [H10, '429', 1],
    [H11, '404', 1],
    [H11, '503', 1],
  ],
  'ariane-traffic-quota': [[1]],
  'ariane-traffic-tenants': [
    ['tenant-a', '2xx', 2],
    ['tenant-a', '5xx', 1],
    ['tenant-b', '4xx', 2],
  ],
  'ariane-incident-errors': 6,
  'ariane-incident-errors-by-service': [
    [H10, 'piste-gateway', 1],
    [H10, 'units-svc', 1],
    [H11, 'piste-gateway', 3],
    [H11, 'units-svc', 1],
  ],
  'ariane-incident-flags': [['future_timestamp', 1]],
  'ariane-compliance-runs': [
    [H10, 'retention', 2],
    [H10, 'anonymisation', 1],
    [H11, 'anonymisation', 2],
    [H11, 'kafka_topics', 1],
  ],
  'ariane-compliance-outcomes': [
    ['anonymisation', 'success', 2],
    ['anonymisation', 'failure', 1],
    ['retention', 'dry_run', 1],
    ['retention', 'success', 1],
    ['kafka_topics', 'success', 1],
  ],
  'ariane-compliance-anonymisations-per-tenant': [
    ['tenant-a', 2],
    ['tenant-b', 1],
  ],
  'ariane-compliance-records': 6,
};

void describe('dashboard panel aggregations on real Elasticsearch', () => {
  const context = new EsTestContext();
  let names: IndexNames;

  before(async () => {
    const prefix = context.prefix('dashboards');
    names = indexNames(prefix);
    await installEventsTemplate(context.client, names, prefix, 0);
    await ensureOperationIndices(context.client, names, 0);
    await indexEvents(context.client, names, DASHBOARD_FIXTURES);
    for (const record of AUDIT) await writeAudit(context.client, names, record);
  });

  after(() => context.close());

  const indexFor = (panel: QueryPanel) =>
    panel.dataView === 'events' ? names.eventsPattern : names.audit;

  void test('every query panel has expected figures', () => {
    assert.deepEqual(
      queryPanels()
        .map((panel) => panel.id)
        .sort(),
      Object.keys(EXPECTED).sort(),
    );
  });

  for (const panel of queryPanels()) {
    void test(`${panel.id}: ${panel.title}`, async () => {
      if (panel.kind === 'search') {
        const { count } = await context.client.count({
          index: indexFor(panel),
          query: panel.filter.query,
        });
        assert.equal(count, EXPECTED[panel.id]);
        return;
      }
      const response = await context.client.search({
        index: indexFor(panel),
        ...panelSearch(panel),
      });
      assert.deepEqual(tabulate(panel, response), EXPECTED[panel.id]);
    });
  }
});
