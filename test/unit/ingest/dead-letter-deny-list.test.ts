import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildDenyList,
  selectorDigest,
  selectorDigester,
} from '../../../core/src/anonymisation/deny-list-store.js';
import { EMPTY_DENY_LIST } from '../../../core/src/anonymisation/deny-list.js';
import type { SelectorType } from '../../../core/src/anonymisation/selector.js';
import {
  buildDeadLetter,
  withDenyList,
  wordsOf,
} from '../../../ingest/src/pipeline/dead-letter.js';

const KEY = 'test-deny-list-key-0123456789abcdef';
const entry = (type: SelectorType, value: string, tenant = 'tenant-a') => ({
  operation_id: `op-${value}`,
  tenant,
  selector_type: type,
  digest: selectorDigest(KEY, type, value),
  // Any time range: a dead letter has no trusted event time, so it is not looked at.
  from: '2020-01-01T00:00:00.000Z',
  to: '2020-01-02T00:00:00.000Z',
  expires_at: '2099-01-01T00:00:00.000Z',
});

const letterOf = (payload: string) =>
  buildDeadLetter(
    { topic: 'ariane.gateway', partition: 0, offset: '9', value: Buffer.from(payload) },
    'invalid_json',
    [],
    4096,
    Date.UTC(2026, 10, 21),
  );

describe('a new dead letter against the deny list', () => {
  const list = buildDenyList(
    [
      entry('session_id', 'sess-0f9c2a7e'),
      entry('client_ip', '2001:db8::77'),
      entry('user_id', 'user-b', 'tenant-b'),
    ],
    selectorDigester(KEY),
  );

  test('words: whitespace and JSON/URL punctuation separate them; key:value yields its parts', () => {
    const words = wordsOf('{"s":"sess-1","ip":"2001:db8::77"} GET /a/b?x=1 X-Id:abc');
    for (const word of ['sess-1', '2001:db8::77', 'GET', 'a', 'b', '1', 'X-Id:abc', 'abc'])
      assert.ok(words.has(word), word);
    assert.ok(!words.has('/a/b') && !words.has('"sess-1"'));
  });

  test('an active entry’s value among its words is scrubbed, stamped with the operation', () => {
    const letter = letterOf(
      '{"application_id":"sess-0f9c2a7e","tenant_id":"tenant-a","ip":"2001:db8::77","status":',
    );
    const stored = withDenyList(letter, list);
    assert.ok(!stored.payload.data.includes('sess-0f9c2a7e'));
    assert.ok(!stored.payload.data.includes('2001:db8::77'));
    assert.match(stored.anonymisation_id ?? '', /^op-/);
    assert.equal(stored.source.offset, '9');
  });

  test('another tenant’s entry does not touch it; an unattributed dead letter matches any', () => {
    const mine = letterOf('{"user":"user-b","tenant_id":"tenant-a",');
    assert.equal(withDenyList(mine, list), mine);
    const unattributed = letterOf('user-b broke the line');
    assert.equal(withDenyList(unattributed, list).anonymisation_id, 'op-user-b');
  });

  test('no entry, or a value glued inside a longer word: left as it is', () => {
    const letter = letterOf('{"s":"sess-0f9c2a7e","tenant_id":"tenant-a",');
    assert.equal(withDenyList(letter, EMPTY_DENY_LIST), letter);
    const glued = letterOf('xsess-0f9c2a7ex tenant_id=tenant-a');
    assert.equal(withDenyList(glued, list), glued);
  });
});
