import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseEnv } from '../../../core/src/config/parse-env.js';
import { indexNames } from '../../../core/src/es/index-names.js';
import {
  autoAnonymiseCutoff,
  autoAnonymiseQuery,
  autoOperationId,
  indicesBeforeCutoff,
} from '../../../jobs/src/anonymisation/auto-anonymise.js';
import { JobsEnvSchema } from '../../../jobs/src/config.js';

const names = indexNames('ariane');
const at = (iso: string) => new Date(iso);

describe('automatic anonymisation: cut-off and operation id', () => {
  test('the cut-off is exactly N × 24 h before now, whatever the time of day', () => {
    assert.equal(
      autoAnonymiseCutoff(at('2024-03-15T12:34:56.789Z'), 3).toISOString(),
      '2024-03-12T12:34:56.789Z',
    );
    assert.equal(
      autoAnonymiseCutoff(at('2024-03-01T00:00:00.000Z'), 1).toISOString(),
      '2024-02-29T00:00:00.000Z',
    );
  });

  test('the operation id names the UTC day of the run', () => {
    assert.equal(autoOperationId(at('2024-12-31T23:59:59.999Z')), 'auto-2024-12-31');
    assert.equal(autoOperationId(at('2025-01-01T00:00:00.000Z')), 'auto-2025-01-01');
  });
});

describe('indicesBeforeCutoff', () => {
  const existing = [
    'ariane-events-2024.03.14',
    'ariane-events-2024.03.10',
    'ariane-events-2024.03.12',
    'ariane-events-2024.03.11',
    'ariane-events-2024.02.30',
    'ariane-events-restored',
    'other-events-2024.03.01',
  ];

  test('keeps, sorted, the real days starting before the cut-off, the cut-off day included', () => {
    assert.deepEqual(indicesBeforeCutoff(existing, names, at('2024-03-12T12:00:00.000Z')), [
      'ariane-events-2024.03.10',
      'ariane-events-2024.03.11',
      'ariane-events-2024.03.12',
    ]);
  });

  test('a cut-off at midnight leaves out the day it starts', () => {
    assert.deepEqual(indicesBeforeCutoff(existing, names, at('2024-03-12T00:00:00.000Z')), [
      'ariane-events-2024.03.10',
      'ariane-events-2024.03.11',
    ]);
  });

  test('nothing before the cut-off: nothing selected', () => {
    assert.deepEqual(indicesBeforeCutoff(existing, names, at('2024-03-01T00:00:00.000Z')), []);
  });
});

test('the query matches events before the cut-off that no anonymisation rewrote', () => {
  assert.deepEqual(autoAnonymiseQuery(at('2024-03-12T12:00:00.000Z')), {
    bool: {
      filter: [{ range: { '@timestamp': { lt: '2024-03-12T12:00:00.000Z' } } }],
      must_not: [{ exists: { field: 'ariane.anonymisation_id' } }],
    },
  });
});

describe('AUTO_ANONYMISE_AFTER_DAYS', () => {
  const base = { ANONYMISATION_DENYLIST_KEY: 'k'.repeat(32) };
  const problems = (env: Record<string, string>) => {
    try {
      parseEnv(JobsEnvSchema, { ...base, ...env });
      return [];
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.problems;
    }
  };

  test('unset or empty: the policy is off', () => {
    assert.equal(parseEnv(JobsEnvSchema, base).AUTO_ANONYMISE_AFTER_DAYS, undefined);
    assert.equal(
      parseEnv(JobsEnvSchema, { ...base, AUTO_ANONYMISE_AFTER_DAYS: '' }).AUTO_ANONYMISE_AFTER_DAYS,
      undefined,
    );
  });

  test('an integer from 1 to RETENTION_DAYS − 1 is accepted', () => {
    const env = parseEnv(JobsEnvSchema, { ...base, AUTO_ANONYMISE_AFTER_DAYS: '9' });
    assert.equal(env.AUTO_ANONYMISE_AFTER_DAYS, 9);
    assert.equal(env.AUTO_ANONYMISE_CRON, '43 * * * *');
  });

  test('zero, fractions and values not below RETENTION_DAYS are refused, by name', () => {
    for (const value of ['0', '2.5', 'soon'])
      assert.match(problems({ AUTO_ANONYMISE_AFTER_DAYS: value }).join(), /^AUTO_ANONYMISE/);
    assert.deepEqual(problems({ AUTO_ANONYMISE_AFTER_DAYS: '10' }), [
      'AUTO_ANONYMISE_AFTER_DAYS: must be less than RETENTION_DAYS: retention deletes events before they get older (got "10")',
    ]);
    assert.equal(problems({ AUTO_ANONYMISE_AFTER_DAYS: '10', RETENTION_DAYS: '11' }).length, 0);
  });
});
