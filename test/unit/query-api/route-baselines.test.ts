import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RouteBaseline } from '../../../query-api/src/contract/request-timeline.js';
import type { RouteKey } from '../../../query-api/src/store/event-store.js';
import { cachedRouteBaselines } from '../../../query-api/src/timeline/route-baselines.js';
import { stubStore } from '../../helpers/query-api.js';

const ROUTE: RouteKey = {
  api: 'Vitam Access',
  operation: 'searchUnits',
  method: 'GET',
  path: null,
};
const SCOPE = { index: 'ariane-events-*', tenant: 'tenant-a' };
const baseline = (p50Ms: number): RouteBaseline => ({
  ...ROUTE,
  p50Ms,
  p95Ms: p50Ms * 3,
  samples: 100,
  windowHours: 24,
});

void describe('cachedRouteBaselines', () => {
  void test('one aggregation per route and tenant per TTL, shared by concurrent timelines', async () => {
    let clock = 0;
    const asked: string[] = [];
    const baselines = cachedRouteBaselines(
      stubStore({
        routeBaseline: (scope, route) => {
          asked.push(`${scope.tenant}:${route.operation}`);
          return Promise.resolve(baseline(asked.length));
        },
      }),
      { ttlMs: 60_000, maxEntries: 10, now: () => new Date(clock) },
    );
    const [first, second] = await Promise.all([
      baselines.lookup(SCOPE, ROUTE),
      baselines.lookup(SCOPE, ROUTE),
    ]);
    assert.equal(first?.p50Ms, 1);
    assert.equal(second?.p50Ms, 1);
    await baselines.lookup({ ...SCOPE, tenant: 'tenant-b' }, ROUTE);
    clock = 59_999;
    assert.equal((await baselines.lookup(SCOPE, ROUTE))?.p50Ms, 1);
    clock = 60_000;
    assert.equal((await baselines.lookup(SCOPE, ROUTE))?.p50Ms, 3);
    assert.deepEqual(asked, [
      'tenant-a:searchUnits',
      'tenant-b:searchUnits',
      'tenant-a:searchUnits',
    ]);
  });

  void test('a failed lookup answers null and is retried by the next timeline', async () => {
    let calls = 0;
    const baselines = cachedRouteBaselines(
      stubStore({
        routeBaseline: () => {
          calls += 1;
          return calls === 1
            ? Promise.reject(new Error('store down'))
            : Promise.resolve(baseline(7));
        },
      }),
      { ttlMs: 60_000, maxEntries: 10, now: () => new Date(0) },
    );
    assert.equal(await baselines.lookup(SCOPE, ROUTE), null);
    assert.equal((await baselines.lookup(SCOPE, ROUTE))?.p50Ms, 7);
  });

  void test('cached() never waits: a miss answers null and warms the cache', async () => {
    let calls = 0;
    const baselines = cachedRouteBaselines(
      stubStore({
        routeBaseline: () => {
          calls += 1;
          return Promise.resolve(baseline(5));
        },
      }),
      { ttlMs: 60_000, maxEntries: 10, now: () => new Date(0) },
    );
    assert.equal(baselines.cached(SCOPE, ROUTE), null);
    await baselines.lookup(SCOPE, ROUTE);
    assert.equal(baselines.cached(SCOPE, ROUTE)?.p50Ms, 5);
    assert.equal(calls, 1);
  });

  void test('keeps at most maxEntries routes, dropping the oldest', async () => {
    let calls = 0;
    const baselines = cachedRouteBaselines(
      stubStore({
        routeBaseline: () => {
          calls += 1;
          return Promise.resolve(null);
        },
      }),
      { ttlMs: 60_000, maxEntries: 2, now: () => new Date(0) },
    );
    for (const operation of ['a', 'b', 'c', 'a'])
      await baselines.lookup(SCOPE, { ...ROUTE, operation });
    assert.equal(calls, 4);
  });
});
