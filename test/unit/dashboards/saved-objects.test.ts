import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { AUDIT_MAPPINGS } from '../../../core/src/anonymisation/operations.js';
import { eventsIndexTemplate } from '../../../core/src/es/setup.js';
import { renderDashboardFiles } from '../../../dashboards/src/generate.js';
import { withTimelineOrigin } from '../../../dashboards/src/kibana-import.js';
import {
  normaliseNdjson,
  parseNdjson,
  SAVED_OBJECTS_DIR,
} from '../../../dashboards/src/normalise.js';
import {
  DASHBOARDS,
  fieldsUsed,
  queryPanels,
  type DataViewName,
} from '../../../dashboards/src/panels.js';

const files = readdirSync(SAVED_OBJECTS_DIR)
  .filter((name) => name.endsWith('.ndjson'))
  .sort()
  .map((name) => ({ name, text: readFileSync(path.join(SAVED_OBJECTS_DIR, name), 'utf8') }));

interface Saved {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  references: { id: string; name: string; type: string }[];
}

/** `a.b.c` → mapping type, from nested `properties`. */
function flattenMapping(properties: Record<string, unknown>, prefix = ''): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, raw] of Object.entries(properties)) {
    const spec = raw as { type?: string; properties?: Record<string, unknown> };
    const full = `${prefix}${name}`;
    if (spec.properties)
      for (const entry of flattenMapping(spec.properties, `${full}.`)) fields.set(...entry);
    else fields.set(full, spec.type ?? 'object');
  }
  return fields;
}

const eventsTemplate = eventsIndexTemplate('ariane') as {
  template: { mappings: { properties: Record<string, unknown> } };
};
const MAPPINGS: Record<DataViewName, Map<string, string>> = {
  events: flattenMapping(eventsTemplate.template.mappings.properties),
  audit: flattenMapping(AUDIT_MAPPINGS.properties),
};
const AGGREGATABLE = new Set(['keyword', 'long', 'integer', 'date', 'ip', 'boolean', 'double']);

void describe('committed Kibana saved objects', () => {
  void test('there is one file per dashboard and every line parses as a saved object', () => {
    assert.deepEqual(
      files.map((file) => file.name),
      DASHBOARDS.map((dashboard) => dashboard.file).sort(),
    );
    for (const file of files) {
      for (const object of parseNdjson(file.text) as unknown as Saved[]) {
        assert.equal(typeof object.id, 'string', file.name);
        assert.ok(['index-pattern', 'visualization', 'search', 'dashboard'].includes(object.type));
        assert.ok(Array.isArray(object.references));
      }
    }
  });

  void test('are normalised and match what the panel specs generate', () => {
    const generated = renderDashboardFiles();
    for (const file of files) {
      assert.equal(
        normaliseNdjson(parseNdjson(file.text)),
        file.text,
        `${file.name} is not normalised`,
      );
      assert.equal(
        file.text,
        generated.get(file.name),
        `${file.name}: run npm run dashboards:generate`,
      );
    }
  });

  void test('every reference resolves to an object of the same file, and every ref name is declared', () => {
    let refNamesChecked = 0;
    for (const file of files) {
      const objects = parseNdjson(file.text) as unknown as Saved[];
      const known = new Set(objects.map((object) => `${object.type}/${object.id}`));
      for (const object of objects) {
        const names = new Set<string>();
        for (const reference of object.references) {
          assert.ok(
            known.has(`${reference.type}/${reference.id}`),
            `${object.id} → ${reference.id}`,
          );
          assert.ok(
            !names.has(reference.name),
            `${object.id}: duplicate reference ${reference.name}`,
          );
          names.add(reference.name);
        }
        const embedded = JSON.stringify(object.attributes);
        const refNames = [
          ...embedded.matchAll(/(?:indexRefName|panelRefName)\\":\\"([^\\]+)/g),
        ].map((match) => match[1]);
        for (const refName of refNames) {
          const declared =
            object.type === 'dashboard'
              ? [...names].some((name) => name.endsWith(`:${refName}`))
              : names.has(refName as string);
          assert.ok(declared, `${object.id}: ${refName} has no reference`);
          refNamesChecked += 1;
        }
      }
    }
    assert.ok(refNamesChecked > 20, `only ${refNamesChecked} ref names found`);
  });

  void test('every field a panel aggregates is mapped with an aggregatable type; shown fields exist', () => {
    for (const panel of queryPanels()) {
      for (const { field, use } of fieldsUsed(panel)) {
        const type = MAPPINGS[panel.dataView].get(field);
        assert.ok(type, `${panel.id}: ${field} is not in the ${panel.dataView} mapping`);
        if (use === 'aggregated')
          assert.ok(AGGREGATABLE.has(type), `${panel.id}: ${field} is ${type}`);
      }
    }
  });

  void test('terms buckets are ordered by a count, as the Elasticsearch side of the specs assumes', () => {
    for (const panel of queryPanels()) {
      if (panel.kind !== 'visualisation') continue;
      if (panel.buckets.some((bucket) => bucket.type === 'terms'))
        assert.equal(panel.metrics[0]?.type, 'count', panel.id);
    }
  });

  void test('timeline links can be pointed at another query API origin', () => {
    const traffic = files.find((file) => file.name.includes('incident'))?.text ?? '';
    assert.match(traffic, /http:\/\/127\.0\.0\.1:8080\/trace\/ui\/#\/requests\/\{\{value\}\}/);
    const moved = withTimelineOrigin(traffic, 'https://ariane.example.org/');
    assert.doesNotMatch(moved, /127\.0\.0\.1:8080/);
    assert.match(moved, /https:\/\/ariane\.example\.org\/trace\/ui\/#\/sessions\/\{\{value\}\}/);
  });
});

void describe('normaliseNdjson', () => {
  void test('strips volatile fields and the export summary, sorts keys, is idempotent', () => {
    const exported = [
      {
        type: 'visualization',
        id: 'b',
        version: 'WzEsMV0=',
        updated_at: '2025-01-01T00:00:00.000Z',
        attributes: { visState: '{"z":1,"a":{"d":2,"c":[{"y":1,"x":2}]}}', title: 't' },
        references: [],
      },
      {
        id: 'a',
        type: 'index-pattern',
        attributes: { title: 'x' },
        references: [],
        namespaces: ['default'],
      },
      { exportedCount: 2, missingRefCount: 0 },
    ];
    const text = normaliseNdjson(exported);
    assert.equal(
      text,
      '{"attributes":{"title":"x"},"id":"a","references":[],"type":"index-pattern"}\n' +
        '{"attributes":{"title":"t","visState":"{\\"a\\":{\\"c\\":[{\\"x\\":2,\\"y\\":1}],\\"d\\":2},\\"z\\":1}"},"id":"b","references":[],"type":"visualization"}\n',
    );
    assert.equal(normaliseNdjson(parseNdjson(text)), text);
  });

  void test('reports the line of a line that is not JSON', () => {
    assert.throws(() => parseNdjson('{"a":1}\n{oops\n'), /line 2/);
  });
});
