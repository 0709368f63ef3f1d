import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { heapBytes, memoryShortfall } from '../../stack/src/elasticsearch-cluster.js';

const meminfo = (availableKb: number) =>
  `MemTotal:       24683584 kB\nMemFree:        1000 kB\nMemAvailable:   ${availableKb} kB\n`;

describe('can this machine hold a two-node cluster', () => {
  test('heap sizes as -Xmx takes them', () => {
    assert.equal(heapBytes('512m'), 512 * 1024 * 1024);
    assert.equal(heapBytes('1G'), 1024 * 1024 * 1024);
    assert.throws(() => heapBytes('lots'));
  });

  test('two 512m nodes need heap and off-heap each, plus a margin: 2.5 GiB', () => {
    assert.equal(memoryShortfall(meminfo(2_621_440), 2, '512m'), undefined);
    assert.match(
      memoryShortfall(meminfo(2_621_439), 2, '512m') ?? '',
      /need about 2560 MiB free, and only 2559 MiB are available/,
    );
  });

  test('without MemAvailable it says so rather than guessing', () => {
    assert.match(memoryShortfall('MemTotal: 1 kB\n', 2, '512m') ?? '', /MemAvailable/);
  });
});
