import type { RouteBaseline } from '../contract/request-timeline.js';
import type { EventStore, RouteKey, StoreScope } from '../store/event-store.js';

export interface RouteBaselineOptions {
  /** How long a route's baseline is reused: it moves slowly, a timeline must stay fast. */
  readonly ttlMs: number;
  /** Routes kept; the oldest entry goes first beyond it. */
  readonly maxEntries: number;
  readonly now: () => Date;
}

export type RouteBaselines = (scope: StoreScope, route: RouteKey) => Promise<RouteBaseline | null>;

/**
 * Route baselines through a small in-process cache keyed by tenant and route: one aggregation
 * per route and tenant per `ttlMs`, shared by concurrent timelines (the pending lookup is
 * cached, not only its result). A failed lookup answers null, so a timeline never fails or waits
 * on a retry for its baseline, and is forgotten at once so the next timeline tries again.
 */
export function cachedRouteBaselines(
  store: EventStore,
  options: RouteBaselineOptions,
): RouteBaselines {
  const cache = new Map<string, { expiresAt: number; value: Promise<RouteBaseline | null> }>();
  return (scope, route) => {
    const now = options.now().getTime();
    const key = JSON.stringify([
      scope.tenant,
      route.api,
      route.operation,
      route.method,
      route.path,
    ]);
    const cached = cache.get(key);
    if (cached && cached.expiresAt > now) return cached.value;
    cache.delete(key);
    const value = store.routeBaseline(scope, route, now).catch(() => {
      cache.delete(key);
      return null;
    });
    cache.set(key, { expiresAt: now + options.ttlMs, value });
    // Map keeps insertion order: the first key is the oldest.
    while (cache.size > options.maxEntries) cache.delete(cache.keys().next().value as string);
    return value;
  };
}
