import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  criticalPath,
  selfTimes,
  timeBudget,
  type TimedHop,
} from '../../../query-api/src/timeline/time-budget.js';

const hop = (
  kind: TimedHop['kind'],
  startMs: number,
  endMs: number,
  parent: number | null,
  leg: number | null = null,
): TimedHop => ({ kind, startMs, endMs, parent, leg });

// leg 0 [0,200] → leg 1 [10,110] → svc A [12,108] → svc B [20,90]; leg 2 [120,190] → svc C [121,189]
const REQUEST: readonly TimedHop[] = [
  hop('gateway_leg', 0, 200, null, 0),
  hop('gateway_leg', 10, 110, 0, 1),
  hop('gateway_leg', 120, 190, 0, 2),
  hop('service', 12, 108, 1),
  hop('service', 20, 90, 3),
  hop('service', 121, 189, 2),
];

void describe('time budget', () => {
  void test('self time is the duration minus what the children cover', () => {
    assert.deepEqual(selfTimes(REQUEST), [30, 4, 2, 26, 70, 68]);
  });

  void test('parallel children count once; a child sticking out counts only inside', () => {
    const hops = [
      hop('service', 0, 100, null),
      hop('service', 10, 60, 0),
      hop('service', 40, 80, 0),
      hop('service', 90, 130, 0),
    ];
    assert.deepEqual(selfTimes(hops), [20, 50, 40, 40]);
  });

  void test('the critical path takes sequential calls and, of parallel ones, the last to end', () => {
    assert.deepEqual(criticalPath(REQUEST, 0), [0, 1, 3, 4, 2, 5]);
    const parallel = [
      hop('service', 0, 100, null),
      hop('service', 10, 60, 0),
      hop('service', 20, 95, 0),
    ];
    assert.deepEqual(criticalPath(parallel, 0), [0, 2]);
  });

  void test('gateway, network and backend shares, and the ratio to the route median', () => {
    const self = selfTimes(REQUEST);
    const budget = timeBudget(REQUEST, self, 200, {
      api: 'Vitam Access',
      operation: 'searchUnits',
      method: 'GET',
      path: null,
      p50Ms: 16,
      p95Ms: 80,
      samples: 300,
      windowHours: 24,
    });
    assert.equal(budget.gatewayMs, 30);
    assert.equal(budget.networkMs, 6);
    assert.equal(budget.backendMs, 96 + 68);
    assert.equal(budget.dominantHop, 4);
    assert.equal(budget.ratioToMedian, 12.5);
  });

  void test('an unlogged backend is not blamed on the network', () => {
    const hops = [hop('gateway_leg', 0, 100, null, 0), hop('gateway_leg', 5, 95, 0, 1)];
    const budget = timeBudget(hops, selfTimes(hops), 100, null);
    assert.equal(budget.networkMs, null);
    assert.equal(budget.backendMs, null);
    assert.equal(budget.gatewayMs, 10);
    assert.equal(budget.ratioToMedian, null);
  });
});
