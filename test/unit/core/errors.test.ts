import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CODES } from '../../../core/src/errors.js';

const documented = new Map(
  [
    ...readFileSync('docs/errors.md', 'utf8').matchAll(/^\| `(ARIANE_[A-Z_]+)` *\| *(\d{3}) *\|/gm),
  ].map((match) => [String(match[1]), Number(match[2])]),
);

test('every error code is documented in docs/errors.md with its HTTP status', () => {
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    assert.equal(documented.get(code), status, `${code} (${status}) is not documented as such`);
  }
});

test('docs/errors.md documents no code that does not exist', () => {
  for (const code of documented.keys())
    assert.ok(code in ERROR_CODES, `${code} is not in the registry`);
});
