import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { SignJWT, UnsecuredJWT, importPKCS8 } from 'jose';
import { signCursor, type CursorState } from '../../../query-api/src/pagination/cursor.js';
import { TEST_CURSOR_SECRET, TEST_JWT_SECRET, token } from '../../helpers/query-api.js';
import {
  OTHER_MARKER,
  OTHER_TENANT,
  OWN_API_KEY,
  OWN_TENANT,
  SHARED_REQUEST_ID,
  SHARED_SESSION_ID,
  startFixtureApi,
  type FixtureApi,
} from '../../helpers/security.js';

// Targeted abuse of a real query API over real Elasticsearch: the tenant's data is the only
// data an answer may carry, and no input produces a 5xx.

const RSA = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUBLIC_PEM = RSA.publicKey.export({ type: 'spki', format: 'pem' }).toString();

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

let api: FixtureApi;
let ownToken: string;

before(async () => {
  // RS256 and HS256 both configured: the setting in which algorithm confusion could bite.
  api = await startFixtureApi({ JWT_PUBLIC_KEY: PUBLIC_PEM });
  ownToken = await token({ roles: ['support', 'compliance'], tenants: [OWN_TENANT] });
});
after(async () => {
  await api?.close();
});

async function call(
  method: string,
  path: string,
  options: {
    tenant?: string;
    bearer?: string | null;
    headers?: Record<string, string>;
    body?: string;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'x-tenant-id': options.tenant ?? OWN_TENANT };
  const bearer = options.bearer === undefined ? ownToken : options.bearer;
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  const response = await fetch(`${api.origin}${path}`, {
    method,
    headers: { ...headers, ...options.headers },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** No 5xx, a JSON error body on 4xx, and nothing of the other tenant. */
function assertContained(answer: Answer, what: string): void {
  assert.ok(answer.status < 500, `${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
  assert.ok(!answer.text.includes(OTHER_MARKER), `${what} leaked the other tenant's data`);
  if (answer.status >= 400 && answer.text !== '') {
    const body = answer.json as { code?: unknown; requestId?: unknown } | undefined;
    assert.equal(typeof body?.code, 'string', `${what}: error body ${answer.text.slice(0, 200)}`);
  }
  const results = (answer.json as { $results?: { organization?: { id?: string } }[] } | undefined)
    ?.$results;
  for (const result of results ?? [])
    if (result.organization) assert.equal(result.organization.id, OWN_TENANT, what);
}

function assertError(answer: Answer, status: number, code?: string): void {
  assert.equal(answer.status, status, answer.text.slice(0, 300));
  if (code) assert.equal((answer.json as { code?: string }).code, code);
}

const INJECTIONS = [
  '*',
  '?',
  '*:*',
  '_exists_:message',
  `${SHARED_REQUEST_ID} OR organization.id:${OTHER_TENANT}`,
  `organization.id:${OTHER_TENANT}`,
  '/.*/',
  'req-.*',
  'req-*',
  'req-share?',
  '{"script":{"source":"return true"}}',
  '{"match_all":{}}',
  '"); ctx._source.x = 1; ("',
  '\\',
  '"',
  '_all',
  '../../_search',
  '%2e%2e%2f',
  'a'.repeat(5_000),
  '𝕏💥\u202eevil',
  'é\u0301',
  'null\u0000byte',
  '\u0000',
  ' ',
  '(((((((((((',
  '+-|"()~*',
];

void describe('oversized and wrongly typed input', () => {
  void test('headers beyond QUERY_MAX_HEADER_BYTES: 413 with the error body', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${api.origin}/trace/v1/events`);
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          headers: { 'x-tenant-id': OWN_TENANT, 'x-padding': 'p'.repeat(40_000) },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(answer.status, 413);
    assert.equal((JSON.parse(answer.body) as { code: string }).code, 'ARIANE_PAYLOAD_TOO_LARGE');
  });

  void test('a body beyond QUERY_BODY_LIMIT_BYTES: 413', async () => {
    const body = JSON.stringify({
      selector: { type: 'session_id', value: 'x' },
      reason: 'r'.repeat(2 * 1024 * 1024),
    });
    const answer = await call('POST', '/trace/v1/anonymisations', {
      headers: { 'content-type': 'application/json' },
      body,
    });
    assertError(answer, 413, 'ARIANE_PAYLOAD_TOO_LARGE');
  });

  for (const type of [
    'text/plain',
    'application/xml',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
  ])
    void test(`a ${type} body: 415`, async () => {
      const answer = await call('POST', '/trace/v1/anonymisations', {
        headers: { 'content-type': type },
        body: 'selector=x',
      });
      assertError(answer, 415, 'ARIANE_UNSUPPORTED_MEDIA_TYPE');
    });

  void test('malformed JSON, deep nesting and prototype keys: 400, never 5xx', async () => {
    for (const body of [
      '{',
      '[]',
      'null',
      `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      '{"__proto__":{"admin":true},"selector":{"type":"session_id","value":"x"},"reason":"TICKET-1"}',
      '{"constructor":{"prototype":{"x":1}}}',
      '{"selector":{"type":"session_id","value":"x"},"reason":"TICKET-1","extra":1}',
    ]) {
      const answer = await call('POST', '/trace/v1/anonymisations', {
        headers: { 'content-type': 'application/json' },
        body,
      });
      assertContained(answer, body.slice(0, 40));
      assert.equal(answer.status, 400, `${body.slice(0, 40)}: ${answer.text.slice(0, 200)}`);
    }
  });
});

void describe('injection attempts never widen the result set nor cause a 5xx', () => {
  void test('as request, session and operation ids (GET and HEAD)', async () => {
    for (const value of INJECTIONS) {
      const id = encodeURIComponent(value);
      for (const [method, path] of [
        ['GET', `/trace/v1/requests/${id}`],
        ['HEAD', `/trace/v1/requests/${id}`],
        ['GET', `/trace/v1/sessions/${id}`],
        ['HEAD', `/trace/v1/sessions/${id}`],
        ['GET', `/trace/v1/operations/${id}`],
      ] as const) {
        const answer = await call(method, path);
        assertContained(answer, `${method} ${path.slice(0, 80)}`);
        // None of these ids exists: anything but "not found", "invalid" or "too long" (a path
        // parameter beyond 512 characters) would be a widening.
        assert.ok(
          [400, 404, 414].includes(answer.status),
          `${method} ${path.slice(0, 80)}: ${answer.status}`,
        );
      }
    }
  });

  void test('as event filters and free text', async () => {
    const own = await call('GET', '/trace/v1/events?$limit=1000');
    assertContained(own, 'all own events');
    const ownTotal = (own.json as { $hits: { total: number } }).$hits.total;
    assert.equal(ownTotal, api.ownEvents);
    for (const value of INJECTIONS)
      for (const parameter of [
        'q',
        'service',
        'clientId',
        'userId',
        'path',
        'method',
        'from',
        'sort',
        'statusClass',
      ]) {
        const text = parameter === 'path' ? `/${value}` : value;
        const answer = await call(
          'GET',
          `/trace/v1/events?${parameter}=${encodeURIComponent(text)}`,
        );
        assertContained(answer, `${parameter}=${value.slice(0, 40)}`);
        if (answer.status === 200) {
          const total = (answer.json as { $hits: { total: number } }).$hits.total;
          assert.ok(total <= ownTotal, `${parameter}=${value.slice(0, 40)} matched ${total}`);
        } else assert.equal(answer.status, 400, `${parameter}=${value.slice(0, 40)}`);
      }
  });

  void test("free text naming the other tenant's content finds nothing", async () => {
    for (const q of [
      OTHER_MARKER,
      `${OTHER_MARKER}*`,
      `"${OTHER_MARKER}"`,
      `ownvisible | ${OTHER_MARKER}`,
    ]) {
      const answer = await call('GET', `/trace/v1/events?q=${encodeURIComponent(q)}`);
      assertContained(answer, q);
      assert.equal(answer.status, 200);
      const results = (
        answer.json as { $results: { message?: string; error?: { message?: string } }[] }
      ).$results;
      for (const result of results)
        assert.ok(`${result.message} ${result.error?.message}`.includes('ownvisible'));
    }
  });

  void test('query syntax in q is matched as text, not as a query over other fields', async () => {
    const answer = await call(
      'GET',
      `/trace/v1/events?q=${encodeURIComponent('organization.id:tenant-other')}`,
    );
    assertContained(answer, 'field query');
    assert.equal((answer.json as { $hits: { total: number } }).$hits.total, 0);
  });
});

void describe('$limit and $offset bounds', () => {
  const cases: [string, number, string][] = [
    ['$limit=0', 400, 'ARIANE_INVALID_PARAMETER'],
    ['$limit=-1', 400, 'ARIANE_INVALID_PARAMETER'],
    ['$limit=1.5', 400, 'ARIANE_INVALID_PARAMETER'],
    ['$limit=abc', 400, 'ARIANE_INVALID_PARAMETER'],
    ['$limit=1e400', 400, 'ARIANE_INVALID_PARAMETER'],
    ['$limit=100001', 413, 'ARIANE_RESULT_TOO_LARGE'],
    ['$offset=-1', 400, 'ARIANE_INVALID_PARAMETER'],
    ['$offset=100001', 413, 'ARIANE_RESULT_TOO_LARGE'],
    ['$offset=99999&$limit=2', 413, 'ARIANE_RESULT_TOO_LARGE'],
    ['$offset=99999999999999999999', 413, 'ARIANE_RESULT_TOO_LARGE'],
  ];
  for (const path of [
    '/trace/v1/events',
    `/trace/v1/sessions/${SHARED_SESSION_ID}`,
    '/trace/v1/operations',
  ])
    void test(`on ${path}`, async () => {
      for (const [query, status, code] of cases) {
        const answer = await call('GET', `${path}?${query}`);
        assertContained(answer, `${path}?${query}`);
        assertError(answer, status, code);
      }
      const edge = await call('GET', `${path}?$offset=99999&$limit=1`);
      assertContained(edge, `${path} at the window's edge`);
      assert.ok([200, 404].includes(edge.status), `${path} edge: ${edge.status}`);
    });
});

void describe('cursors', () => {
  async function firstCursor(bearer = ownToken): Promise<string> {
    const answer = await call('GET', '/trace/v1/events?$limit=2', {
      bearer,
      headers: { 'x-cursor': 'true' },
    });
    assert.equal(answer.status, 200);
    const cursor = answer.headers.get('x-cursor-id');
    assert.ok(cursor);
    return cursor;
  }
  const next = (cursor: string, options: Parameters<typeof call>[2] = {}) =>
    call('GET', '/trace/v1/events', {
      ...options,
      headers: { ...options.headers, 'x-cursor-id': cursor },
    });

  void test('tampered, truncated or garbage cursor ids: 400', async () => {
    const cursor = await firstCursor();
    const [payload = '', signature = ''] = cursor.split('.');
    const state = JSON.parse(Buffer.from(payload, 'base64url').toString()) as CursorState;
    const widened = Buffer.from(
      JSON.stringify({
        ...state,
        tenant: OTHER_TENANT,
        params: { ...state.params, $limit: 100000 },
      }),
    ).toString('base64url');
    const flipped = `${payload.slice(0, -2)}${payload.at(-2) === 'A' ? 'B' : 'A'}${payload.at(-1) ?? ''}`;
    for (const bad of [
      `${widened}.${signature}`,
      `${flipped}.${signature}`,
      `${payload}.${signature.slice(0, -1)}`,
      `${payload}.`,
      payload,
      `${cursor}.x`,
      'garbage',
      '..',
      'x'.repeat(8_000),
    ]) {
      const answer = await next(bad);
      assertContained(answer, `cursor ${bad.slice(0, 30)}`);
      assertError(answer, 400, 'ARIANE_INVALID_HEADER');
    }
    const tooLong = await next('x'.repeat(9_000));
    assertError(tooLong, 400);
  });

  void test('a cursor used by another tenant, caller or after expiry: 412', async () => {
    const cursor = await firstCursor();
    const both = await token({
      roles: ['support'],
      tenants: [OWN_TENANT, OTHER_TENANT],
    });
    assertError(
      await next(cursor, { tenant: OTHER_TENANT, bearer: both }),
      412,
      'ARIANE_CURSOR_EXPIRED',
    );
    const mallory = await token({ sub: 'mallory', roles: ['support'], tenants: [OWN_TENANT] });
    assertError(await next(cursor, { bearer: mallory }), 412, 'ARIANE_CURSOR_EXPIRED');

    const [payload = ''] = cursor.split('.');
    const state = JSON.parse(Buffer.from(payload, 'base64url').toString()) as CursorState;
    const expired = signCursor(
      { ...state, expiresAt: Date.now() - 1_000 },
      Buffer.from(TEST_CURSOR_SECRET),
    );
    assertError(await next(expired), 412, 'ARIANE_CURSOR_EXPIRED');
  });

  void test('a cursor whose point in time was closed (last page served): 412, not 5xx', async () => {
    let cursor = await firstCursor();
    const first = cursor;
    for (;;) {
      const answer = await next(cursor);
      assert.equal(answer.status, 200, answer.text.slice(0, 200));
      const following = answer.headers.get('x-cursor-id');
      if (!following) break;
      cursor = following;
    }
    const replay = await next(first);
    assertContained(replay, 'replay after close');
    assertError(replay, 412, 'ARIANE_CURSOR_EXPIRED');
  });
});

void describe('forged tokens: 401', () => {
  const claims = { roles: ['support', 'compliance'], tenants: [OWN_TENANT] };
  const hs = (secret: string | Uint8Array) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);

  void test('wrong key, expired, not yet valid, alg none, RS/HS confusion, garbage', async () => {
    const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const otherPrivate = await importPKCS8(
      otherRsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      'RS256',
    );
    const [header = '', payload = ''] = ownToken.split('.');
    const forged = {
      'wrong HS256 secret': await hs('another-secret-that-is-at-least-32-characters'),
      // The classic confusion: HS256 keyed with the server's public RSA key.
      'HS256 keyed with the RS256 public key': await hs(PUBLIC_PEM),
      'RS256 with another private key': await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256' })
        .setSubject('mallory')
        .setExpirationTime('5m')
        .sign(otherPrivate),
      expired: await token({ ...claims, expiresIn: '-1m' }),
      'not yet valid': await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('mallory')
        .setNotBefore('10m')
        .setExpirationTime('20m')
        .sign(new TextEncoder().encode(TEST_JWT_SECRET)),
      'alg none': new UnsecuredJWT(claims).setSubject('mallory').setExpirationTime('5m').encode(),
      'alg none with the valid token body': `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`,
      'signature stripped': `${header}.${payload}.`,
      'payload swapped': `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'x', tenants: ['*'], roles: ['admin'] })).toString('base64url')}.${ownToken.split('.')[2] ?? ''}`,
      garbage: 'not.a.jwt',
      huge: 'a'.repeat(12_000),
    };
    for (const [what, bearer] of Object.entries(forged)) {
      const answer = await call('GET', `/trace/v1/requests/${SHARED_REQUEST_ID}`, { bearer });
      assertContained(answer, what);
      assert.equal(answer.status, 401, `${what}: ${answer.status}`);
    }
    const valid = await call('GET', `/trace/v1/requests/${SHARED_REQUEST_ID}`);
    assert.equal(valid.status, 200, 'the genuine token still works');
  });

  void test('missing, malformed or wrongly schemed credentials', async () => {
    for (const authorization of [
      '',
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      `bearer  ${ownToken}`,
      `Token ${ownToken}`,
      'ApiKey wrong-key',
    ])
      assertContained(
        await call('GET', '/trace/v1/events', { bearer: null, headers: { authorization } }),
        authorization,
      );
    assertError(
      await call('GET', '/trace/v1/events', { bearer: null }),
      401,
      'ARIANE_UNAUTHENTICATED',
    );
    assertError(
      await call('GET', '/trace/v1/events', { bearer: null, headers: { 'x-api-key': 'guess' } }),
      401,
      'ARIANE_TOKEN_INVALID',
    );
  });

  void test('claims that do not grant: "*" without admin, unknown role', async () => {
    const star = await token({ roles: ['support'], tenants: '*' });
    assertError(
      await call('GET', '/trace/v1/events', { bearer: star }),
      401,
      'ARIANE_TENANT_FORBIDDEN',
    );
    const unknownRole = await new SignJWT({ roles: ['superuser'], tenants: [OWN_TENANT] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    assertError(
      await call('GET', '/trace/v1/events', { bearer: unknownRole }),
      401,
      'ARIANE_TOKEN_INVALID',
    );
  });
});

void describe('cross-tenant access through every endpoint', () => {
  void test('a tenant the credentials do not grant: 401 ARIANE_TENANT_FORBIDDEN everywhere', async () => {
    // The own tenant's token or API key, asking for the other tenant.
    const viaToken = { bearer: ownToken, tenant: OTHER_TENANT, headers: {} };
    const calls: [string, string, string?][] = [
      ['GET', `/trace/v1/requests/${SHARED_REQUEST_ID}`],
      ['HEAD', `/trace/v1/requests/${SHARED_REQUEST_ID}`],
      ['GET', `/trace/v1/sessions/${SHARED_SESSION_ID}`],
      ['HEAD', `/trace/v1/sessions/${SHARED_SESSION_ID}`],
      ['GET', '/trace/v1/events'],
      ['GET', `/trace/v1/events?q=${OTHER_MARKER}`],
      ['GET', '/trace/v1/operations'],
      ['GET', `/trace/v1/operations/${api.otherOperationId}`],
      [
        'POST',
        '/trace/v1/anonymisations',
        JSON.stringify({
          selector: { type: 'session_id', value: SHARED_SESSION_ID },
          reason: 'TICKET-2 test',
        }),
      ],
    ];
    for (const [method, path, body] of calls) {
      const viaApiKey = {
        bearer: null,
        tenant: OTHER_TENANT,
        headers: { 'x-api-key': OWN_API_KEY },
      };
      for (const credentials of [viaToken, viaApiKey]) {
        const answer = await call(method, path, {
          ...credentials,
          ...(body !== undefined ? { body } : {}),
          headers: {
            ...credentials.headers,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
        });
        assertContained(answer, `${method} ${path}`);
        assert.equal(answer.status, 401, `${method} ${path}: ${answer.status}`);
        if (method !== 'HEAD')
          assert.equal((answer.json as { code: string }).code, 'ARIANE_TENANT_FORBIDDEN');
      }
    }
  });

  void test('tenant header tricks: lists, case, wildcard', async () => {
    for (const tenant of [
      `${OWN_TENANT},${OTHER_TENANT}`,
      `${OWN_TENANT} ${OTHER_TENANT}`,
      OTHER_TENANT.toUpperCase(),
      `${OTHER_TENANT} `,
      '*',
    ]) {
      const answer = await call('GET', '/trace/v1/events', { tenant });
      assertContained(answer, `X-Tenant-Id ${tenant}`);
      assert.ok(
        [400, 401].includes(answer.status),
        `X-Tenant-Id ${JSON.stringify(tenant)}: ${answer.status}`,
      );
    }
  });

  void test("shared ids in the own tenant show only the own tenant's events", async () => {
    const timeline = await call('GET', `/trace/v1/requests/${SHARED_REQUEST_ID}`);
    assertContained(timeline, 'request timeline');
    assert.equal(timeline.status, 200);
    const session = await call('GET', `/trace/v1/sessions/${SHARED_SESSION_ID}`);
    assertContained(session, 'session timeline');
    assert.equal(session.status, 200);
    for (const path of [
      `/trace/v1/requests/${OTHER_TENANT}-solo-0`,
      `/trace/v1/sessions/${OTHER_TENANT}-solo-0`,
      `/trace/v1/operations/${api.otherOperationId}`,
    ]) {
      assertError(await call('GET', path), 404);
      if (!path.includes('operations')) assert.equal((await call('HEAD', path)).status, 404);
    }
    const operations = await call('GET', '/trace/v1/operations');
    assertContained(operations, 'operations list');
    const ids = (operations.json as { $results: { operationId: string; tenant: string }[] })
      .$results;
    assert.deepEqual(
      ids.map((operation) => operation.tenant),
      ids.map(() => OWN_TENANT),
    );
    assert.ok(ids.some((operation) => operation.operationId === api.ownOperationId));
    assert.ok(!operations.text.includes(api.otherOperationId));
  });

  void test('OPTIONS lists commands and carries no data, with or without credentials', async () => {
    for (const path of [
      `/trace/v1/requests/${SHARED_REQUEST_ID}`,
      `/trace/v1/sessions/${SHARED_SESSION_ID}`,
      '/trace/v1/events',
      '/trace/v1/operations',
      `/trace/v1/operations/${api.otherOperationId}`,
      '/trace/v1/anonymisations',
    ]) {
      const answer = await call('OPTIONS', path, { bearer: null, tenant: OTHER_TENANT });
      assert.equal(answer.status, 200, path);
      assert.deepEqual(Object.keys(answer.json as object).sort(), ['commands', 'resource']);
      assertContained(answer, `OPTIONS ${path}`);
    }
  });
});
