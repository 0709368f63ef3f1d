import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderRequestRows } from '../../../cli/src/tables.js';
import { SESSION_TIMELINE } from '../../fixtures/cli/timelines.js';

void describe('renderRequestRows (ariane search --by-request)', () => {
  void test('one line per request ending with its diagnosis', () => {
    const text = renderRequestRows(
      {
        $hits: { total: 7, offset: 0, limit: 2, size: 2 },
        $results: SESSION_TIMELINE.$results,
        truncated: false,
      },
      false,
    );
    const rows = text.trimEnd().split('\n');
    assert.match(rows[0] ?? '', /req-1 +GET +\/v1\/units +502 +100\.0 ms error in units-svc: /);
    assert.match(rows[1] ?? '', /req-2 +POST +\/v1\/objects +201 +500\.0 ms ok: Answered 201/);
    assert.equal(rows[2], 'requests 1-2 of 7');
  });
});
