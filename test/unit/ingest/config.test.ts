import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseEnv } from '../../../core/src/config/parse-env.js';
import { IngestEnvSchema } from '../../../ingest/src/config.js';

const KEY = 'a-deny-list-key-of-32-characters-or-more';

describe('ingest configuration: no silent gap in anonymisation', () => {
  test('refuses to start without the deny-list key while anonymisation is enabled', () => {
    assert.throws(
      () => parseEnv(IngestEnvSchema, {}),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.length === 1 &&
        /^ANONYMISATION_DENYLIST_KEY: required unless ANONYMISATION_ENABLED=false/.test(
          error.problems[0] ?? '',
        ),
    );
  });

  test('starts with the key, or without it once anonymisation is declared off', () => {
    assert.equal(
      parseEnv(IngestEnvSchema, { ANONYMISATION_DENYLIST_KEY: KEY }).ANONYMISATION_ENABLED,
      true,
    );
    const off = parseEnv(IngestEnvSchema, { ANONYMISATION_ENABLED: 'false' });
    assert.equal(off.ANONYMISATION_DENYLIST_KEY, undefined);
  });

  test('an empty key counts as unset; a short one is refused without being echoed', () => {
    assert.throws(() => parseEnv(IngestEnvSchema, { ANONYMISATION_DENYLIST_KEY: '' }), ConfigError);
    assert.throws(
      () => parseEnv(IngestEnvSchema, { ANONYMISATION_DENYLIST_KEY: 'short-secret' }),
      (error: unknown) => error instanceof ConfigError && !error.message.includes('short-secret'),
    );
  });
});
