import type { IndexNames } from '../../core/src/es/index-names.js';
import type { EventStore } from './store/event-store.js';

/** What route plugins share, decorated on the app as `ariane` by buildApp. */
export interface QueryContext {
  readonly store: EventStore;
  readonly names: IndexNames;
  readonly cursorSecret: Uint8Array;
  readonly cursorTtlMs: number;
  readonly maxTimelineEvents: number;
  readonly clockSkewToleranceMs: number;
  readonly now: () => Date;
}

declare module 'fastify' {
  interface FastifyInstance {
    ariane: QueryContext;
  }
}
