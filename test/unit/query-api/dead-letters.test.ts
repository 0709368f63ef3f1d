import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DeadLettersQuery } from '../../../query-api/src/contract/dead-letters.js';
import {
  deadLettersPageQuery,
  type DeadLetterScope,
} from '../../../query-api/src/search/dead-letter-queries.js';
import { authHeaders, stubStore, testApp } from '../../helpers/query-api.js';

// The dead-letter route through inject(), with a store of plain functions: no Elasticsearch;
// the query it sends is checked on the pure builder.

const LETTER = {
  code: 'ARIANE_EVENT_INVALID',
  reason: 'schema_mismatch',
  issues: [{ path: 'status', message: 'Invalid input' }],
  tenant: 'tenant-a',
  source: { topic: 'ariane.gateway', partition: 2, offset: '17' },
  payload: { encoding: 'utf8', data: '{"status":"oops"}', bytes: 17, truncated: false },
  failed_at: '2026-11-21T10:00:00.000Z',
};

interface Search {
  index: string;
  scope: DeadLetterScope;
  params: DeadLettersQuery;
}

/** The filters the store would send for a search, from the pure builder. */
const filtersOf = (search: Search | undefined) => {
  assert.ok(search);
  const request = deadLettersPageQuery(search.index, search.scope, search.params);
  return { request, filter: (request.query?.bool?.filter ?? []) as object[] };
};

void describe('GET /trace/v1/dead-letters (inject, no Elasticsearch)', () => {
  const searches: Search[] = [];
  let app: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    app = await testApp(
      stubStore({
        searchDeadLetters: (index, scope, params) => {
          searches.push({ index, scope, params });
          return Promise.resolve({
            total: 2,
            deadLetters: [
              { id: 'ariane.gateway:2:17', stored: LETTER },
              { id: 'ariane.gateway:2:18', stored: { not: 'a dead letter' } },
            ],
          });
        },
      }),
    );
  });
  after(() => app.close());

  void test('lists the tenant’s dead letters, newest first, filters beside the tenant', async () => {
    searches.length = 0;
    const response = await app.inject({
      url: '/trace/v1/dead-letters?reason=schema_mismatch&topic=ariane.gateway&q=oops&$limit=5',
      headers: await authHeaders('tenant-a'),
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json<{ $hits: { size: number }; $results: { id: string }[] }>();
    assert.deepEqual(
      body.$results.map((r) => r.id),
      ['ariane.gateway:2:17'],
    );
    assert.equal(body.$hits.size, 1);
    const { request, filter } = filtersOf(searches[0]);
    assert.equal(request.index, 'ariane-dead-letters');
    assert.equal(request.size, 5);
    assert.deepEqual(filter[0], { term: { tenant: 'tenant-a' } });
    assert.deepEqual(filter.slice(1), [
      { term: { reason: 'schema_mismatch' } },
      { term: { 'source.topic': 'ariane.gateway' } },
    ]);
  });

  void test('needs the support or admin role', async () => {
    const response = await app.inject({
      url: '/trace/v1/dead-letters',
      headers: await authHeaders('tenant-a', { roles: ['compliance'] }),
    });
    assert.equal(response.statusCode, 401);
    assert.equal(response.json<{ code: string }>().code, 'ARIANE_FORBIDDEN');
  });

  void test('bad input is a 400 with the field named, never echoed', async () => {
    for (const query of ['reason=nope', 'from=yesterday', 'topic=a%20b', 'unattributed=maybe']) {
      const response = await app.inject({
        url: `/trace/v1/dead-letters?${query}`,
        headers: await authHeaders('tenant-a'),
      });
      assert.equal(response.statusCode, 400, query);
      const body = response.json<{ code: string }>();
      assert.equal(body.code, 'ARIANE_INVALID_PARAMETER', query);
      assert.ok(!response.body.includes('yesterday'));
    }
  });

  void test('a page larger than the maximum is a 413, as everywhere in the API', async () => {
    const response = await app.inject({
      url: '/trace/v1/dead-letters?$limit=5000',
      headers: await authHeaders('tenant-a'),
    });
    assert.equal(response.statusCode, 413);
    assert.equal(response.json<{ code: string }>().code, 'ARIANE_RESULT_TOO_LARGE');
  });

  void test('unattributed dead letters only for a caller granted every tenant', async () => {
    const support = await app.inject({
      url: '/trace/v1/dead-letters?unattributed=true',
      headers: await authHeaders('tenant-a'),
    });
    assert.equal(support.statusCode, 401);
    searches.length = 0;
    const admin = await app.inject({
      url: '/trace/v1/dead-letters?unattributed=true',
      headers: await authHeaders('tenant-a', { roles: ['admin'], tenants: '*' }),
    });
    assert.equal(admin.statusCode, 200);
    const { filter } = filtersOf(searches[0]);
    assert.deepEqual(filter[0], { bool: { must_not: [{ exists: { field: 'tenant' } }] } });
  });

  void test('is in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/trace/v1/openapi.json' })).json<{
      paths: Record<string, { get?: object }>;
    }>();
    assert.ok(doc.paths['/trace/v1/dead-letters']?.get);
  });
});
