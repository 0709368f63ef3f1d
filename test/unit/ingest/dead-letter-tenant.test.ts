import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildDeadLetter } from '../../../ingest/src/pipeline/dead-letter.js';
import { tenantOfPayload } from '../../../ingest/src/pipeline/dead-letter-tenant.js';

void describe('the tenant of a dead letter', () => {
  const cases: [string, string, string | undefined][] = [
    ['generic access log', '{"tenant_id":"12","status":"oops"}', '12'],
    ['numeric tenant_id', '{"tenant_id":7,"status":"oops"}', '7'],
    ['service MDC header', '{"mdc":{"X-Tenant-Id":"tenant-a"},"level":5}', 'tenant-a'],
    ['organization.id', '{"organization":{"id":"org.1"}}', 'org.1'],
    ['raw header block', '{"headers":"X-Request-Id: r1\\nX-Tenant-Id: t9\\n"}', 't9'],
    ['nested in an envelope', '{"log":{"json":{"tenantId":"deep"}}}', 'deep'],
    ['text that is not JSON', 'GET /x tenant_id=abc; broken', 'abc'],
    ['none named', '{"request_id":"r1"}', undefined],
    ['two different tenants', '{"tenant_id":"a","mdc":{"X-Tenant-Id":"b"}}', undefined],
    ['the same one twice', '{"tenant_id":"a","mdc":{"X-Tenant-Id":"a"}}', 'a'],
    ['not a valid tenant id', '{"tenant_id":"has spaces in it"}', undefined],
    ['an id of something else', '{"client":{"id":"c1"}}', undefined],
  ];
  for (const [name, payload, expected] of cases)
    void test(`${name}: ${String(expected)}`, () => {
      assert.equal(tenantOfPayload(payload), expected);
    });

  void test('is recorded on the dead letter, and absent for a binary payload', () => {
    const at = Date.UTC(2026, 10, 21);
    const source = { topic: 'ariane.gateway', partition: 0, offset: '1' };
    const text = buildDeadLetter(
      { ...source, value: Buffer.from('{"tenant_id":"12","x":') },
      'invalid_json',
      [],
      1024,
      at,
    );
    assert.equal(text.tenant, '12');
    const binary = buildDeadLetter(
      { ...source, value: Buffer.from([0x7b, 0xff, 0xfe]) },
      'invalid_utf8',
      [],
      1024,
      at,
    );
    assert.equal(binary.tenant, undefined);
  });
});
