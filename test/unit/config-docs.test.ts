import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { z } from 'zod';
import { ConnectionEnvSchema } from '../../core/src/config/connections.js';
import { IngestEnvSchema } from '../../ingest/src/config.js';
import { JobsEnvSchema } from '../../jobs/src/config.js';
import { QueryApiEnvSchema } from '../../query-api/src/config.js';
import { SetupEnvSchema } from '../../scripts/setup.js';
import { StackConfigSchema } from '../../stack/src/stack-config.js';

const readme = readFileSync('README.md', 'utf8');
const documented = new Set(
  [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` *\|/gm)].map((m) => String(m[1])),
);

const schemas: Record<string, z.ZodObject> = {
  ConnectionEnvSchema,
  IngestEnvSchema,
  JobsEnvSchema,
  QueryApiEnvSchema,
  SetupEnvSchema,
  StackConfigSchema,
};

test('every environment variable a service reads is in the README configuration table', () => {
  for (const [name, schema] of Object.entries(schemas)) {
    for (const variable of Object.keys(schema.shape)) {
      assert.ok(documented.has(variable), `${variable} (${name}) is missing from README.md`);
    }
  }
});

test('docker-compose.yml sets no variable the README does not document', () => {
  const compose = readFileSync('docker-compose.yml', 'utf8');
  const composeOnly = new Set(['ELASTIC_PASSWORD', 'ES_JAVA_OPTS', 'ELASTICSEARCH_HOSTS']);
  for (const match of compose.matchAll(/^\s+([A-Z][A-Z0-9_]+): /gm)) {
    const variable = String(match[1]);
    if (variable.startsWith('KAFKA_') && !variable.startsWith('KAFKA_BROKERS')) continue;
    if (variable.startsWith('ELASTICSEARCH_') || composeOnly.has(variable)) continue;
    assert.ok(
      documented.has(variable),
      `${variable} is set in docker-compose.yml but not documented`,
    );
  }
});
