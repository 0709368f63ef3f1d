import type { IndexNames } from '../../core/src/es/index-names.js';
import type { EventStore } from './store/event-store.js';
import type { RouteBaselines } from './timeline/route-baselines.js';

/** What route plugins share, decorated on the app as `ariane` by buildApp. */
export interface QueryContext {
  readonly store: EventStore;
  readonly names: IndexNames;
  readonly cursorSecret: Uint8Array;
  readonly cursorTtlMs: number;
  readonly maxTimelineEvents: number;
  readonly clockSkewToleranceMs: number;
  /** Route baselines, cached for the app's life (timeline/route-baselines.ts). */
  readonly baselines: RouteBaselines;
  readonly now: () => Date;
}

declare module 'fastify' {
  interface FastifyInstance {
    ariane: QueryContext;
  }
}
