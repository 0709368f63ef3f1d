import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StoredDeadLetter } from '../../../core/src/schemas/dead-letter.js';
import { StoredDeadLetterSchema } from '../../../core/src/schemas/dead-letter.js';
import { holdsValue, scrubDeadLetter } from '../../../core/src/anonymisation/scrub-dead-letter.js';

const SESSION = 'sess-7f3a';

function letter(data: string, overrides: Partial<StoredDeadLetter> = {}): StoredDeadLetter {
  return {
    code: 'ARIANE_EVENT_INVALID',
    reason: 'schema_mismatch',
    issues: [{ path: 'status', message: 'Invalid input' }],
    tenant: 'tenant-a',
    source: { topic: 'ariane.gateway', partition: 1, offset: '42' },
    payload: { encoding: 'utf8', data, bytes: Buffer.byteLength(data), truncated: false },
    failed_at: '2026-11-21T10:00:00.000Z',
    ...overrides,
  };
}

void describe('a dead letter under anonymisation', () => {
  const raw = JSON.stringify({
    application_id: SESSION,
    client_ip: '198.51.100.7',
    user_id: 'jean.dupont@example.fr',
    status: 'oops',
  });

  void test('is left alone when it does not hold the value', () => {
    assert.equal(scrubDeadLetter(letter(raw), 'sess-other', 'op-1'), undefined);
    // Bounded: a value inside a longer word is not an occurrence.
    assert.equal(holdsValue(letter(raw), 'sess-7f'), false);
  });

  void test('loses the value and every identifier the scrubber knows, keeps why it failed', () => {
    const scrubbed = scrubDeadLetter(letter(raw), SESSION.toUpperCase(), 'op-1');
    assert.ok(scrubbed);
    StoredDeadLetterSchema.parse(scrubbed);
    for (const gone of [SESSION, '198.51.100.7', 'jean.dupont@example.fr'])
      assert.ok(!scrubbed.payload.data.includes(gone), gone);
    assert.match(scrubbed.payload.data, /"status":"oops"/);
    assert.equal(scrubbed.anonymisation_id, 'op-1');
    assert.deepEqual(
      [scrubbed.reason, scrubbed.source, scrubbed.tenant, scrubbed.payload.bytes],
      [
        'schema_mismatch',
        { topic: 'ariane.gateway', partition: 1, offset: '42' },
        'tenant-a',
        Buffer.byteLength(raw),
      ],
    );
    assert.equal(holdsValue(scrubbed, SESSION), false);
  });

  void test('a base64 payload holding the value is dropped whole', () => {
    const bytes = Buffer.concat([Buffer.from(`{"s":"${SESSION}"`), Buffer.from([0xff])]);
    const binary = letter(bytes.toString('base64'), {
      reason: 'invalid_utf8',
      payload: { encoding: 'base64', data: bytes.toString('base64'), bytes: 14, truncated: false },
    });
    assert.equal(holdsValue(binary, SESSION), true);
    const scrubbed = scrubDeadLetter(binary, SESSION, 'op-1');
    assert.equal(scrubbed?.payload.data, '');
    assert.equal(scrubbed?.payload.encoding, 'base64');
  });

  void test('issues quoting the value are scrubbed too', () => {
    const refused = letter('{}', {
      reason: 'rejected_by_store',
      issues: [{ path: '(document)', message: `failed to parse value [${SESSION}]` }],
    });
    const scrubbed = scrubDeadLetter(refused, SESSION, 'op-1');
    assert.ok(scrubbed);
    assert.ok(!JSON.stringify(scrubbed.issues).includes(SESSION));
  });

  void test('a value the scrubber skips (too short to replace) takes the payload with it', () => {
    const scrubbed = scrubDeadLetter(letter('{"u":"ab","x":1}'), 'ab', 'op-1');
    assert.equal(scrubbed?.payload.data, '');
  });
});
