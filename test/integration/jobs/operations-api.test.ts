import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createOperationStore,
  ensureOperationIndices,
} from '../../../core/src/anonymisation/operation-log.js';
import { indexNames } from '../../../core/src/es/index-names.js';
import { EsTestContext } from '../../helpers/elasticsearch.js';
import { authHeaders, queryApiConfig, stubStore, testApp } from '../../helpers/query-api.js';

describe('anonymisation and operations API', () => {
  const ctx = new EsTestContext();
  const names = indexNames(ctx.prefix('jobs-api'));
  let app: Awaited<ReturnType<typeof testApp>>;
  const compliance = () =>
    authHeaders('tenant-a', { roles: ['compliance'], tenants: ['tenant-a', 'tenant-b'] });
  const body = {
    selector: { type: 'session_id', value: 'sess-0f9c2a7e' },
    reason: 'DPO ticket 90',
  };

  before(async () => {
    await ensureOperationIndices(ctx.client, names, 0);
    app = await testApp(stubStore(), queryApiConfig(), createOperationStore(ctx.client, names));
  });
  after(async () => {
    await app.close();
    await ctx.close();
  });

  test('POST answers 202 with the operation URI, then polling answers 202 while pending', async () => {
    const posted = await app.inject({
      method: 'POST',
      url: '/trace/v1/anonymisations',
      headers: await compliance(),
      payload: body,
    });
    assert.equal(posted.statusCode, 202, posted.body);
    const { operationId, uri } = posted.json<{ operationId: string; uri: string }>();
    assert.equal(uri, `/trace/v1/operations/${operationId}`);
    assert.equal(posted.headers.location, uri);
    assert.ok(posted.headers['x-request-id']);
    const polled = await app.inject({ method: 'GET', url: uri, headers: await compliance() });
    assert.equal(polled.statusCode, 202);
    assert.equal(polled.json<{ status: string }>().status, 'pending');
    assert.ok(!polled.body.includes('sess-0f9c2a7e'));
    const otherTenant = await app.inject({
      method: 'GET',
      url: uri,
      headers: await authHeaders('tenant-b', { roles: ['compliance'], tenants: ['tenant-b'] }),
    });
    assert.equal(otherTenant.statusCode, 404);
    const listed = await app.inject({
      method: 'GET',
      url: '/trace/v1/operations?$limit=10',
      headers: await compliance(),
    });
    assert.equal(listed.statusCode, 200);
    assert.equal(listed.json<{ $hits: { total: number } }>().$hits.total, 1);
    assert.ok(!listed.body.includes('sess-0f9c2a7e'));
  });

  test('only compliance officers and admins may ask', async () => {
    const support = await authHeaders('tenant-a', { roles: ['support'] });
    const posted = await app.inject({
      method: 'POST',
      url: '/trace/v1/anonymisations',
      headers: support,
      payload: body,
    });
    assert.equal(posted.statusCode, 401);
    assert.equal(posted.json<{ code: string }>().code, 'ARIANE_FORBIDDEN');
  });

  test('a reason holding personal data or a bad selector is a 400', async () => {
    for (const payload of [
      { ...body, reason: 'asked by jean@example.fr' },
      { ...body, selector: { type: 'email', value: 'x' } },
      { selector: body.selector },
    ]) {
      const posted = await app.inject({
        method: 'POST',
        url: '/trace/v1/anonymisations',
        headers: await compliance(),
        payload,
      });
      assert.equal(posted.statusCode, 400, posted.body);
      assert.ok(!posted.body.includes('jean@example.fr'));
    }
  });
});
