import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { EventsQuerySchema } from '../../../query-api/src/contract/events.js';
import { RequestSearchQuerySchema } from '../../../query-api/src/contract/request-search.js';
import {
  eventsCursorQuery,
  eventsPageQuery,
  requestsPageQuery,
} from '../../../query-api/src/search/queries.js';
import {
  eventsOfRequestQuery,
  requestExistsQuery,
  routeBaselineQuery,
  transactionsOfRequestQuery,
} from '../../../query-api/src/timeline/request-queries.js';
import {
  sessionExistsQuery,
  sessionPageQuery,
} from '../../../query-api/src/timeline/session-queries.js';

// The Elasticsearch requests the API sends, pinned as committed JSON (STYLE.md §10).
// Regenerate after an intended change with: UPDATE_SNAPSHOTS=1 node --import tsx --test <this file>

const DIR = new URL('../../fixtures/query-api/snapshots/', import.meta.url);
const context = { index: 'ariane-events-*', tenant: 'tenant-a' };
const allFilters = EventsQuerySchema.parse({
  from: '2026-03-01T00:00:00Z',
  to: '2026-03-02T00:00:00Z',
  clientId: 'client-1',
  service: 'orders',
  status: '503',
  statusClass: '5xx',
  method: 'post',
  path: '/api/v1/',
  minDurationMs: '250',
  userId: 'user-1',
  q: 'timeout -"retry ok"',
  sort: '-duration',
  $limit: '50',
  $offset: '100',
});

const SNAPSHOTS: Record<string, unknown> = {
  'request-transactions': transactionsOfRequestQuery(context, ['req-1']),
  'request-events': eventsOfRequestQuery(
    context,
    { requestIds: ['req-1'], correlationIds: ['tx-1', 'tx-2'], traceIds: ['4bf92f3577b34da6'] },
    { size: 2000, withPolicyPath: true },
  ),
  'request-events-next-page': eventsOfRequestQuery(
    context,
    { requestIds: ['req-1'], correlationIds: ['tx-1'], traceIds: [] },
    { size: 2000, after: [1772445600000, 'evt-9'] },
  ),
  'route-baseline': routeBaselineQuery(
    context,
    {
      api: 'Vitam Access',
      operation: 'searchUnits',
      method: 'GET',
      path: '/vitam/access-external/v1/units',
    },
    Date.parse('2026-03-02T10:32:17.123Z'),
  ),
  'route-baseline-by-path': routeBaselineQuery(
    context,
    { api: null, operation: null, method: 'POST', path: '/v1/objects' },
    Date.parse('2026-03-02T10:32:17.123Z'),
  ),
  'requests-search': requestsPageQuery(
    context,
    RequestSearchQuerySchema.parse({
      statusClass: '5xx',
      path: '/signalements',
      clientId: 'client-x',
      from: '2026-03-02T10:00:00Z',
      to: '2026-03-02T11:00:00Z',
      q: 'timeout',
    }),
  ),
  'request-transactions-counting-elsewhere': transactionsOfRequestQuery(context, ['req-1'], true),
  'request-exists': requestExistsQuery(context, 'req-1'),
  'session-page': sessionPageQuery(context, 'sess-1', { limit: 1000, offset: 0 }),
  'session-exists': sessionExistsQuery(context, 'sess-1'),
  'events-default': eventsPageQuery(context, EventsQuerySchema.parse({})),
  'events-all-filters': eventsPageQuery(context, allFilters),
  'events-cursor-page': eventsCursorQuery(
    'tenant-a',
    allFilters,
    { id: 'PIT', keepAlive: '300s' },
    [5e8, 'evt-1'],
  ),
};

for (const [name, request] of Object.entries(SNAPSHOTS)) {
  void test(`query snapshot: ${name}`, () => {
    const file = new URL(`${name}.json`, DIR);
    const actual = `${JSON.stringify(request, null, 2)}\n`;
    if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(file)) {
      if (process.env.UPDATE_SNAPSHOTS !== '1' && process.env.CI)
        assert.fail(`missing snapshot ${name}.json: run with UPDATE_SNAPSHOTS=1`);
      mkdirSync(DIR, { recursive: true });
      writeFileSync(file, actual);
      return;
    }
    // Compared as data: the committed files are formatted by prettier.
    assert.deepEqual(
      JSON.parse(actual),
      JSON.parse(readFileSync(file, 'utf8')),
      `${name} changed: UPDATE_SNAPSHOTS=1 to accept`,
    );
  });
}

void test('every query is scoped to the tenant in its first filter', () => {
  type Scoped = { bool: { filter: unknown[] } };
  for (const [name, request] of Object.entries(SNAPSHOTS)) {
    const { query, post_filter: postFilter } = request as { query: Scoped; post_filter?: Scoped };
    // The one search that looks past the tenant scopes its hits in post_filter instead, and
    // learns nothing else of other tenants than a count.
    const scoped = name === 'request-transactions-counting-elsewhere' ? postFilter : query;
    assert.deepEqual(scoped?.bool.filter[0], { term: { 'organization.id': 'tenant-a' } }, name);
  }
});

void test('the search counting other tenants returns their count, never their hits', () => {
  const request = SNAPSHOTS['request-transactions-counting-elsewhere'] as {
    aggs: Record<string, { filter: { bool: { must_not?: unknown[]; filter?: unknown[] } } }>;
  };
  assert.deepEqual(Object.keys(request.aggs), ['elsewhere', 'traces']);
  assert.deepEqual(request.aggs.elsewhere?.filter.bool.must_not, [
    { term: { 'organization.id': 'tenant-a' } },
  ]);
  // Trace ids, listed in the same pass, are only join keys of the tenant-scoped query 2.
  assert.deepEqual(Object.keys(request.aggs.traces ?? {}), ['terms']);
});
