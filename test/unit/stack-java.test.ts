import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJavaMajor } from '../../stack/src/java.js';

void describe('parseJavaMajor', () => {
  const cases: Array<[string, number | undefined]> = [
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['openjdk version "25.0.1" 2025-10-21 LTS', 25],
    ['java version "1.8.0_292"', 8],
    ['no java here', undefined],
  ];
  for (const [output, major] of cases) {
    void it(`reads ${String(major)} from ${JSON.stringify(output)}`, () => {
      assert.equal(parseJavaMajor(output), major);
    });
  }
});
