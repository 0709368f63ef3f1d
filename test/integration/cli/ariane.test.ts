import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ariane } from '../../helpers/cli.js';
import { startQueryApi, TIMELINE_FIXTURES, type RunningApi } from '../../helpers/timelines.js';

/** The real `ariane` binary, as a child process, against a real query API over real Elasticsearch. */

void describe('ariane CLI against the real query API', () => {
  let api: RunningApi;
  let env: Record<string, string>;

  before(async () => {
    api = await startQueryApi('cli', TIMELINE_FIXTURES);
    env = { ARIANE_API_URL: api.url, ARIANE_TOKEN: api.token, ARIANE_TENANT: 'tenant-a' };
  });
  after(() => api?.close());

  void test('request draws the waterfall, without colour when not on a TTY', async () => {
    const result = await ariane(['request', 'req-missing'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Request req-missing {2}POST \/v1\/objects → 504/);
    assert.match(result.stdout, /! +└ leg 1 piste-gateway +504/);
    assert.match(result.stdout, /missing_hop/);
    assert.ok(!result.stdout.includes('\u001b['));
  });

  void test('session lists the requests in time order; --json gives the API answer', async () => {
    const text = await ariane(['session', 'sess-ui'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.ok(text.stdout.indexOf('req-ok') < text.stdout.indexOf('req-missing'));
    const json = await ariane(['--json', 'session', 'sess-ui'], env);
    const body = JSON.parse(json.stdout) as { $results: { requestId: string }[] };
    assert.deepEqual(
      body.$results.map((request) => request.requestId),
      ['req-ok', 'req-missing'],
    );
  });

  void test('search filters events', async () => {
    const result = await ariane(['--json', 'search', '--status-class', '5xx'], env);
    assert.equal(result.code, 0, result.stderr);
    const body = JSON.parse(result.stdout) as { $results: unknown[] };
    assert.equal(body.$results.length, 2);
  });

  void test('request prints the diagnosis and the call tree; search --by-request one row each', async () => {
    const request = await ariane(['request', 'req-missing'], env);
    assert.match(request.stdout, /Diagnosis: Backend timed out: gateway leg 1/);
    assert.match(request.stdout, /\n! {3}└ leg 1 piste-gateway +504/);
    const rows = await ariane(['search', '--status-class', '5xx', '--by-request'], env);
    assert.equal(rows.code, 0, rows.stderr);
    assert.match(rows.stdout, /req-missing +POST +\/v1\/objects +504 .* network: timeout: /);
    assert.match(rows.stdout, /requests 1-1 of 1/);
  });

  void test('exit codes: 3 not found, 4 refused, 2 usage', async () => {
    const missing = await ariane(['request', 'no-such-request'], env);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /ARIANE_NOT_FOUND/);
    assert.equal((await ariane(['request', 'req-ok'], { ...env, ARIANE_TOKEN: 'wrong' })).code, 4);
    assert.equal((await ariane(['request', 'req-ok', '--tenant', 'tenant-b'], env)).code, 4);
    assert.equal((await ariane(['search', '--status', 'abc'], env)).code, 2);
    assert.equal((await ariane(['frobnicate'], env)).code, 2);
  });
});
