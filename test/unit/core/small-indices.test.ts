import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OperationSchema } from '../../../core/src/anonymisation/operations.js';
import { SMALL_INDICES, smallIndexMappings } from '../../../core/src/es/small-indices.js';

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
});
