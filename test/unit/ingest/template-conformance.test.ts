import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventsIndexTemplate } from '../../../core/src/es/setup.js';
import { normaliseRecord } from '../../../ingest/src/pipeline/normalise-record.js';
import { bytesOf, contextFor, fixture } from '../../helpers/ingest.js';

interface Mapping {
  type?: string;
  properties?: Record<string, Mapping>;
}

/** Dotted paths of every mapped leaf field; `enabled: false` objects count as leaves. */
function mappedPaths(properties: Record<string, Mapping>, prefix = ''): Set<string> {
  const paths = new Set<string>();
  for (const [name, mapping] of Object.entries(properties)) {
    if (mapping.properties)
      for (const path of mappedPaths(mapping.properties, `${prefix}${name}.`)) paths.add(path);
    else paths.add(`${prefix}${name}`);
  }
  return paths;
}

function leafPaths(doc: unknown, prefix = '', out = new Set<string>()): Set<string> {
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const path = `${prefix}${key}`;
    if (
      key === 'circuit_path' ||
      value === null ||
      typeof value !== 'object' ||
      Array.isArray(value)
    )
      out.add(path);
    else leafPaths(value, `${path}.`, out);
  }
  return out;
}

test('every field ingest writes is mapped by the events template (dynamic mapping is off)', () => {
  const template = eventsIndexTemplate('t') as {
    template: { mappings: { properties: Record<string, Mapping> } };
  };
  const mapped = mappedPaths(template.template.mappings.properties);
  const written = new Set<string>();
  for (const [name, kind] of [
    ['axway-open-traffic-leg0', 'gateway'],
    ['axway-open-traffic-leg1', 'gateway'],
    ['axway-open-traffic-summary', 'gateway'],
    ['axway-open-traffic-circuit', 'gateway'],
    ['axway-event-log-transaction', 'gateway'],
    ['generic-access-log', 'gateway'],
    ['service-pino', 'services'],
    ['service-ecs', 'services'],
    ['service-logback', 'services'],
  ] as const) {
    const raw = bytesOf(fixture(name));
    const result = normaliseRecord(raw, kind, 1024 * 1024, contextFor(raw));
    assert.ok(result.kind === 'events', name);
    for (const { doc } of result.events) for (const path of leafPaths(doc)) written.add(path);
  }
  const unmapped = [...written].filter((path) => !mapped.has(path));
  assert.deepEqual(unmapped, []);
});
