import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isArianeError } from '../../../core/src/errors.js';
import {
  signCursor,
  verifyCursor,
  type CursorState,
} from '../../../query-api/src/pagination/cursor.js';

const secret = Buffer.from('k'.repeat(32));
const state: CursorState = {
  v: 1,
  resource: 'events',
  tenant: 'tenant-a',
  subject: 'alice',
  pit: 'pit-1',
  searchAfter: [1, 'evt-1'],
  position: 10,
  params: { $limit: 10 },
  expiresAt: 2_000,
};
const expected = { resource: 'events', tenant: 'tenant-a', subject: 'alice', now: 1_000 };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isArianeError(error) ? error.code : 'not an ArianeError';
  }
}

void describe('cursor ids', () => {
  void test('round-trip', () => {
    assert.deepEqual(verifyCursor(signCursor(state, secret), secret, expected), state);
  });

  void test('tampered, malformed or signed with another key: 400', () => {
    const id = signCursor(state, secret);
    const [payload, signature] = id.split('.') as [string, string];
    const widened = Buffer.from(JSON.stringify({ ...state, tenant: 'tenant-b' }), 'utf8').toString(
      'base64url',
    );
    for (const bad of [`${widened}.${signature}`, `${payload}.`, 'garbage', `${id}.x`])
      assert.equal(
        codeOf(() => verifyCursor(bad, secret, expected)),
        'ARIANE_INVALID_HEADER',
        bad,
      );
    assert.equal(
      codeOf(() => verifyCursor(id, Buffer.from('z'.repeat(32)), expected)),
      'ARIANE_INVALID_HEADER',
    );
  });

  void test('expired, or presented by another caller or tenant: 412', () => {
    const id = signCursor(state, secret);
    for (const other of [
      { ...expected, now: 2_000 },
      { ...expected, tenant: 'tenant-b' },
      { ...expected, subject: 'mallory' },
      { ...expected, resource: 'sessions' },
    ])
      assert.equal(
        codeOf(() => verifyCursor(id, secret, other)),
        'ARIANE_CURSOR_EXPIRED',
      );
  });
});
