import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OperationSchema } from '../../../core/src/anonymisation/operations.js';
import { eventsIndexTemplate } from '../../../core/src/es/setup.js';
import {
  SMALL_INDICES,
  smallIndexMappings,
  smallIndexSettings,
} from '../../../core/src/es/small-indices.js';

describe('committed mappings of the small indices', () => {
  for (const index of SMALL_INDICES)
    test(`${index} parses and says what it does with unmapped fields`, () => {
      const mappings = smallIndexMappings(index);
      assert.ok(mappings.dynamic === false || mappings.dynamic === 'strict');
      assert.ok(Object.keys(mappings.properties).length > 0);
    });

  test('the selector value is stored, never indexed', () => {
    assert.deepEqual(smallIndexMappings('anonymisation-requests').properties, {
      value: { type: 'keyword', index: false, doc_values: false },
    });
  });

  test('every mapped operation field exists in the operation schema', () => {
    for (const field of Object.keys(smallIndexMappings('operations').properties))
      assert.ok(field in OperationSchema.shape, field);
  });

  test('the dead-letter payload is searchable text; issues are kept, not indexed', () => {
    const { properties } = smallIndexMappings('dead-letters');
    assert.deepEqual(properties.issues, { type: 'object', enabled: false });
    const payload = properties.payload as { properties: Record<string, { type: string }> };
    assert.equal(payload.properties.data?.type, 'text');
  });
});

describe('replicas (ES_NUMBER_OF_REPLICAS)', () => {
  test('every small index and the events template get the configured count', () => {
    assert.equal(smallIndexSettings(2).number_of_replicas, 2);
    assert.equal(smallIndexSettings(0).number_of_shards, 1);
    const template = eventsIndexTemplate('p', 1) as {
      template: { settings: { index: Record<string, unknown> } };
    };
    assert.equal(template.template.settings.index.number_of_replicas, 1);
    const committed = eventsIndexTemplate('p') as typeof template;
    assert.equal(committed.template.settings.index.number_of_replicas, 0);
  });
});
