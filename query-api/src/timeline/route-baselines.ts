import type { RouteBaseline } from '../contract/request-timeline.js';
import type { EventStore, RouteKey, StoreScope } from '../store/event-store.js';

export interface RouteBaselineOptions {
  /** How long a route's baseline is reused: it moves slowly, a timeline must stay fast. */
  readonly ttlMs: number;
  /** Routes kept; the oldest entry goes first beyond it. */
  readonly maxEntries: number;
  readonly now: () => Date;
}

export interface RouteBaselines {
  /** The route's baseline, from the cache or one aggregation; null when unknown or failed. */
  lookup(scope: StoreScope, route: RouteKey): Promise<RouteBaseline | null>;
  /**
   * The cached baseline only, never waiting: a miss answers null and starts the lookup in the
   * background, so the next page has it. For pages of many requests (sessions, search), whose
   * latency one aggregation per route would add to.
   */
  cached(scope: StoreScope, route: RouteKey): RouteBaseline | null;
}

interface Entry {
  readonly expiresAt: number;
  readonly value: Promise<RouteBaseline | null>;
  settled: RouteBaseline | null;
}

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
  const cache = new Map<string, Entry>();
  const entryOf = (scope: StoreScope, route: RouteKey): Entry => {
    const now = options.now().getTime();
    const key = JSON.stringify([
      scope.tenant,
      route.api,
      route.operation,
      route.method,
      route.path,
    ]);
    const cached = cache.get(key);
    if (cached && cached.expiresAt > now) return cached;
    cache.delete(key);
    const entry: Entry = {
      expiresAt: now + options.ttlMs,
      settled: null,
      value: store.routeBaseline(scope, route, now).then(
        (baseline) => (entry.settled = baseline),
        () => {
          cache.delete(key);
          return null;
        },
      ),
    };
    cache.set(key, entry);
    // Map keeps insertion order: the first key is the oldest.
    while (cache.size > options.maxEntries) cache.delete(cache.keys().next().value as string);
    return entry;
  };
  return {
    lookup: (scope, route) => entryOf(scope, route).value,
    cached: (scope, route) => entryOf(scope, route).settled,
  };
}
