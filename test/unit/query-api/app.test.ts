import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ArianeError } from '../../../core/src/errors.js';
import { memoryStore } from '../../helpers/memory-store.js';
import {
  authHeaders,
  queryApiConfig,
  requestEvents,
  stubStore,
  testApp,
  token,
} from '../../helpers/query-api.js';

// These tests drive the app through inject() with a store made of plain functions: no
// Elasticsearch is involved (the integration suite covers the real store).

const T0 = '2026-03-02T10:00:00.000Z';

void describe('query API conventions (inject, no Elasticsearch)', () => {
  const events = requestEvents({
    requestId: 'req-1',
    transactionId: 'tx-1',
    start: T0,
    durationMs: 100,
    status: 200,
    backends: [{ service: 'orders', offsetMs: 10, durationMs: 40, status: 200 }],
  });
  const store = memoryStore(events);
  let app: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    app = await testApp(store);
  });
  after(() => app.close());

  void test('echoes a valid X-Request-Id and X-Application-Id, replaces an invalid one', async () => {
    const ok = await app.inject({
      url: '/trace/v1/status',
      headers: { 'x-request-id': 'abc-123', 'x-application-id': 'sess.9' },
    });
    assert.equal(ok.headers['x-request-id'], 'abc-123');
    assert.equal(ok.headers['x-application-id'], 'sess.9');
    const bad = await app.inject({
      url: '/trace/v1/status',
      headers: { 'x-request-id': 'no spaces <allowed>' },
    });
    assert.match(String(bad.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  void test('GET /requests/{id} returns the timeline, scoped to the tenant', async () => {
    store.scopes.length = 0;
    const response = await app.inject({
      url: '/trace/v1/requests/req-1',
      headers: await authHeaders('tenant-a'),
    });
    assert.equal(response.statusCode, 200);
    const body = response.json<{ hops: unknown[]; summary: { finalStatus: number } }>();
    assert.equal(body.hops.length, 3);
    assert.equal(body.summary.finalStatus, 200);
    assert.ok(store.scopes.length >= 2);
    for (const scope of store.scopes) assert.equal(scope.tenant, 'tenant-a');
  });

  void test('GET /requests/{id} carries the diagnosis, the time budget and the call tree', async () => {
    const response = await app.inject({
      url: '/trace/v1/requests/req-1',
      headers: await authHeaders('tenant-a'),
    });
    const body = response.json<{
      diagnosis: { kind: string };
      callTree: { order: number[] };
      hops: { parent: number | null; link: string }[];
      timeBudget: { gatewayMs: number };
    }>();
    assert.equal(body.diagnosis.kind, 'ok');
    assert.deepEqual(body.callTree.order, [0, 1, 2]);
    assert.deepEqual(
      body.hops.map((hop) => [hop.parent, hop.link]),
      [
        [null, 'root'],
        [0, 'gateway'],
        [1, 'correlation'],
      ],
    );
    assert.equal(body.timeBudget.gatewayMs, 60);
  });

  void test('GET /requests searches requests: one line and a diagnosis each', async () => {
    const searched = await testApp(
      memoryStore(events, {
        searchRequests: (scope, params) =>
          Promise.resolve({
            requestIds:
              scope.tenant === 'tenant-a' && params.statusClass === '2xx' ? ['req-1'] : [],
            total: 1,
          }),
      }),
    );
    const response = await searched.inject({
      url: '/trace/v1/requests?statusClass=2xx&$limit=20',
      headers: await authHeaders('tenant-a'),
    });
    assert.equal(response.statusCode, 200);
    const body = response.json<{
      $hits: { total: number; limit: number };
      $results: { requestId: string; status: number; diagnosis: { kind: string } }[];
    }>();
    assert.deepEqual(body.$hits, { total: 1, offset: 0, limit: 20, size: 1 });
    assert.deepEqual(
      body.$results.map((row) => [row.requestId, row.status, row.diagnosis.kind]),
      [['req-1', 200, 'ok']],
    );
    const tooMany = await searched.inject({
      url: '/trace/v1/requests?$limit=501',
      headers: await authHeaders('tenant-a'),
    });
    assert.equal(tooMany.statusCode, 413);
    await searched.close();
  });

  void test('unknown request id: 404 with a JSON body; HEAD answers 204 or 404 without body', async () => {
    const headers = await authHeaders();
    const missing = await app.inject({ url: '/trace/v1/requests/nope', headers });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json<{ code: string }>().code, 'ARIANE_NOT_FOUND');
    const head = await app.inject({ method: 'HEAD', url: '/trace/v1/requests/req-1', headers });
    assert.equal(head.statusCode, 204);
    assert.equal(head.body, '');
    const headMissing = await app.inject({
      method: 'HEAD',
      url: '/trace/v1/requests/nope',
      headers,
    });
    assert.equal(headMissing.statusCode, 404);
  });

  void test('OPTIONS lists the commands; unsupported methods answer 501', async () => {
    const options = await app.inject({ method: 'OPTIONS', url: '/trace/v1/requests/req-1' });
    assert.equal(options.statusCode, 200);
    assert.equal(options.headers.allow, 'GET, HEAD, OPTIONS');
    const put = await app.inject({
      method: 'PUT',
      url: '/trace/v1/sessions/s1',
      payload: {},
    });
    assert.equal(put.statusCode, 501);
    assert.equal(put.json<{ code: string }>().code, 'ARIANE_NOT_IMPLEMENTED');
  });

  void test('authentication: missing, forged, alg none, wrong tenant, missing tenant', async () => {
    const url = '/trace/v1/requests/req-1';
    const codeOf = async (headers: Record<string, string>) => {
      const response = await app.inject({ url, headers });
      return [response.statusCode, response.json<{ code: string }>().code];
    };
    assert.deepEqual(await codeOf({ 'x-tenant-id': 'tenant-a' }), [401, 'ARIANE_UNAUTHENTICATED']);
    const forged = await token({ secret: 'another-secret-of-at-least-32-characters!!' });
    assert.deepEqual(
      await codeOf({ authorization: `Bearer ${forged}`, 'x-tenant-id': 'tenant-a' }),
      [401, 'ARIANE_TOKEN_INVALID'],
    );
    const [, payload] = (await token()).split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    assert.deepEqual(await codeOf({ authorization: `Bearer ${none}`, 'x-tenant-id': 'tenant-a' }), [
      401,
      'ARIANE_TOKEN_INVALID',
    ]);
    assert.deepEqual(await codeOf(await authHeaders('tenant-b')), [401, 'ARIANE_TENANT_FORBIDDEN']);
    const { authorization } = await authHeaders();
    assert.deepEqual(await codeOf({ authorization }), [400, 'ARIANE_TENANT_REQUIRED']);
    assert.deepEqual(await codeOf({ authorization, 'x-tenant-id': 'bad tenant!' }), [
      400,
      'ARIANE_INVALID_HEADER',
    ]);
  });

  void test('"*" tenants only count for admins', async () => {
    const url = '/trace/v1/requests/req-1';
    const support = await token({ tenants: '*', roles: ['support'] });
    const admin = await token({ tenants: '*', roles: ['admin'] });
    const asSupport = await app.inject({
      url,
      headers: { authorization: `Bearer ${support}`, 'x-tenant-id': 'tenant-z' },
    });
    assert.equal(asSupport.statusCode, 401);
    const asAdmin = await app.inject({
      url,
      headers: { authorization: `Bearer ${admin}`, 'x-tenant-id': 'tenant-z' },
    });
    // Past the access check: tenant-z simply holds no such request.
    assert.equal(asAdmin.statusCode, 404);
  });

  void test('malformed ids and parameters: 400 with field names, never values', async () => {
    const headers = await authHeaders();
    const longId = await app.inject({ url: `/trace/v1/requests/${'x'.repeat(200)}`, headers });
    assert.equal(longId.statusCode, 400);
    const params = await app.inject({
      url: '/trace/v1/events?status=abc&from=yesterday&sort=random',
      headers,
    });
    assert.equal(params.statusCode, 400);
    const body = params.json<{ code: string; details: { field: string; issue: string }[] }>();
    assert.equal(body.code, 'ARIANE_INVALID_PARAMETER');
    assert.deepEqual(body.details.map((detail) => detail.field).sort(), [
      'querystring.from',
      'querystring.sort',
      'querystring.status',
    ]);
    assert.ok(!JSON.stringify(body).includes('yesterday'));
  });

  void test('$limit/$offset beyond the maxima: 413', async () => {
    const headers = await authHeaders();
    for (const query of ['$limit=100001', '$offset=100001', '$offset=99999&$limit=10']) {
      const response = await app.inject({ url: `/trace/v1/events?${query}`, headers });
      assert.equal(response.statusCode, 413, query);
      assert.equal(response.json<{ code: string }>().code, 'ARIANE_RESULT_TOO_LARGE');
    }
  });

  void test('a body with an unsupported media type: 415', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/trace/v1/events',
      headers: { 'content-type': 'application/xml' },
      payload: '<x/>',
    });
    assert.equal(response.statusCode, 415);
    assert.equal(response.json<{ code: string }>().code, 'ARIANE_UNSUPPORTED_MEDIA_TYPE');
  });

  void test('unknown routes: JSON 404 with the request id', async () => {
    const response = await app.inject({ url: '/nope', headers: { 'x-request-id': 'r1' } });
    assert.equal(response.statusCode, 404);
    assert.deepEqual(response.json(), {
      code: 'ARIANE_ROUTE_NOT_FOUND',
      message: 'No such route',
      details: [],
      requestId: 'r1',
    });
  });

  void test('OpenAPI document and offline docs page', async () => {
    const openapi = await app.inject({ url: '/trace/v1/openapi.json' });
    assert.equal(openapi.statusCode, 200);
    const document = openapi.json<{ openapi: string; paths: Record<string, unknown> }>();
    assert.match(document.openapi, /^3\./);
    assert.ok('/trace/v1/requests/{requestId}' in document.paths);
    assert.ok('/trace/v1/requests' in document.paths);
    assert.ok('/trace/v1/events' in document.paths);
    // The timeline's diagnosis, time budget and call tree are described, not left opaque.
    const timeline = JSON.stringify(document.paths['/trace/v1/requests/{requestId}']);
    for (const word of [
      'diagnosis',
      'rejected_by_gateway',
      'timeBudget',
      'callTree',
      'parent',
      'inferred',
    ])
      assert.ok(timeline.includes(word), word);
    assert.ok(
      JSON.stringify(document.paths['/trace/v1/sessions/{applicationId}']).includes(
        'failuresByOrigin',
      ),
    );
    const page = await app.inject({ url: '/trace/v1/docs/' });
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes('https://'), 'the docs page loads nothing from the internet');
    const asset = await app.inject({ url: '/trace/v1/docs/static/swagger-ui-bundle.js' });
    assert.equal(asset.statusCode, 200);
  });

  void test('metrics in the Prometheus format, labelled by route pattern only', async () => {
    await app.inject({ url: '/trace/v1/requests/req-1', headers: await authHeaders() });
    const metrics = await app.inject({ url: '/metrics' });
    assert.equal(metrics.statusCode, 200);
    assert.match(
      metrics.body,
      /ariane_query_api_request_duration_seconds_count\{[^}]*route="\/trace\/v1\/requests\/:requestId"/,
    );
    assert.ok(!metrics.body.includes('req-1'));
  });
});

void describe('store failures', () => {
  void test('Elasticsearch unavailable: 503; an unexpected error: 500 without internals', async () => {
    const unavailable = await testApp(
      stubStore({
        locateRequests: () => Promise.reject(new ArianeError('ARIANE_STORE_UNAVAILABLE')),
        ping: () => Promise.resolve(false),
      }),
    );
    const headers = await authHeaders();
    const down = await unavailable.inject({ url: '/trace/v1/requests/req-1', headers });
    assert.equal(down.statusCode, 503);
    assert.equal(down.json<{ code: string }>().code, 'ARIANE_STORE_UNAVAILABLE');
    assert.equal((await unavailable.inject({ url: '/readyz' })).statusCode, 503);
    await unavailable.close();

    const broken = await testApp(
      stubStore({
        locateRequests: () => Promise.reject(new Error('secret internals at /srv/x.ts:12')),
      }),
    );
    const failed = await broken.inject({ url: '/trace/v1/requests/req-1', headers });
    assert.equal(failed.statusCode, 500);
    assert.deepEqual(Object.keys(failed.json<object>()).sort(), [
      'code',
      'details',
      'message',
      'requestId',
    ]);
    assert.ok(!failed.body.includes('secret internals'));
    await broken.close();
  });

  void test('API keys authenticate service accounts from their SHA-256', async () => {
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update('s3cret-key').digest('hex');
    const app = await testApp(
      stubStore({ requestExists: () => Promise.resolve(true) }),
      queryApiConfig({ API_KEYS: `robot:${hash}:support:tenant-a|tenant-c` }),
    );
    const ok = await app.inject({
      method: 'HEAD',
      url: '/trace/v1/requests/r',
      headers: { 'x-api-key': 's3cret-key', 'x-tenant-id': 'tenant-c' },
    });
    assert.equal(ok.statusCode, 204);
    const wrong = await app.inject({
      method: 'HEAD',
      url: '/trace/v1/requests/r',
      headers: { 'x-api-key': 's3cret-kez', 'x-tenant-id': 'tenant-c' },
    });
    assert.equal(wrong.statusCode, 401);
    await app.close();
  });
});
